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

    /** A rejection must be one line naming the file; anything else escaping is a finding. */
    private static void checkMessage(RuntimeException e) {
        String m = e.getMessage();
        if (m == null || !m.startsWith(FILE + ": ") || m.contains("\n") || m.contains("\r")) {
            throw new AssertionError("malformed error message: " + m, e);
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
            if (f.itemSize() < 1 || (long) f.itemSize() * f.count() != f.elements()) {
                throw new AssertionError("inconsistent dimensions " + f);
            }
            try {
                f.expectImages();
                if (f.type() != IdxFile.Type.U8 || f.dims().length < 2) {
                    throw new AssertionError("accepted as images: " + f);
                }
            } catch (InvalidDataException e) {
                checkMessage(e);
            }
            try {
                f.expectLabels();
                if (!f.type().isInteger() || f.dims().length != 1) {
                    throw new AssertionError("accepted as labels: " + f);
                }
                for (int i = 0; i < Math.min(f.count(), 64); i++) {
                    f.getInt(i);
                }
            } catch (InvalidDataException e) {
                checkMessage(e);
            }
        } catch (InvalidDataException expected) {
            checkMessage(expected);
        }
    }

    @FuzzTest(maxDuration = "20s")
    void safetensors(byte[] data) {
        write(data);
        try {
            Safetensors.read(FILE);
        } catch (CheckpointException expected) {
            checkMessage(expected);
        }
    }
}
