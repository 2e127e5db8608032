package dev.vecprop.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vecprop.data.IdxFile;
import dev.vecprop.data.InvalidDataException;
import dev.vecprop.io.CheckpointException;
import dev.vecprop.io.Safetensors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Coverage-guided fuzzing (Jazzer) of the two parsers that read untrusted files. A parser may only
 * reject an input with its documented exception; anything else — another exception, an
 * OutOfMemoryError, a hang — is a finding. {@code mvn verify} replays the seed corpus in
 * {@code src/test/resources/dev/vecprop/fuzz/ParserFuzzTestInputs}; {@code JAZZER_FUZZ=1} fuzzes
 * (see README, "Fuzzing").
 */
class ParserFuzzTest {
    private static final Path FILE;

    static {
        try {
            FILE = Files.createTempFile("vecprop-fuzz", ".bin");
            FILE.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(byte[] data) {
        try {
            Files.write(FILE, data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "20s")
    void idx(byte[] data) {
        write(data);
        try (IdxFile f = IdxFile.open(FILE)) {
            long n = Math.min(f.elements(), 64);
            for (long i = 0; i < n; i++) {
                f.getFloat(i);
            }
            f.itemSize();
        } catch (InvalidDataException expected) {
            if (expected.getMessage().contains("\n")) {
                throw new AssertionError("multi-line error: " + expected.getMessage());
            }
        }
    }

    @FuzzTest(maxDuration = "20s")
    void safetensors(byte[] data) {
        write(data);
        try {
            Safetensors.read(FILE);
        } catch (CheckpointException expected) {
            if (expected.getMessage().contains("\n")) {
                throw new AssertionError("multi-line error: " + expected.getMessage());
            }
        }
    }
}
