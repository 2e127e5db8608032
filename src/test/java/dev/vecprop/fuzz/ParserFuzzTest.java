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

    /**
     * The checkpoint-metadata reader: the model structure ({@code vecprop.model}), the input
     * normalisation and the training state, from a well-formed safetensors file whose metadata the
     * fuzzer writes (the input, split at NUL bytes: structure, mean, std, epoch).
     */
    @FuzzTest(maxDuration = "20s")
    void checkpoint(byte[] data) {
        String[] parts = new String(data, java.nio.charset.StandardCharsets.UTF_8).split("\u0000", -1);
        java.util.Map<String, String> meta = new java.util.LinkedHashMap<>();
        meta.put("vecprop.format", "2");
        meta.put("vecprop.model", parts[0]);
        if (parts.length > 1) {
            meta.put("vecprop.input_mean", parts[1]);
        }
        if (parts.length > 2) {
            meta.put("vecprop.input_std", parts[2]);
        }
        if (parts.length > 3) {
            meta.put("vecprop.epoch", parts[3]);
            meta.put("vecprop.step_in_epoch", "0");
            meta.put("vecprop.global_step", "0");
            meta.put("vecprop.seed", "0");
            meta.put("vecprop.optimizer", "Adam");
        }
        try {
            Safetensors.write(FILE, java.util.Map.of(), meta);
        } catch (RuntimeException e) {
            return; // metadata the writer refuses (e.g. unpaired surrogates) is not a reader input
        }
        try {
            dev.vecprop.train.Checkpoint.Loaded l = dev.vecprop.train.Checkpoint.load(FILE);
            if (l.model() == null) {
                throw new AssertionError("loaded without a model");
            }
        } catch (CheckpointException expected) {
            checkMessage(expected);
        }
        try {
            dev.vecprop.train.Checkpoint.state(FILE, Safetensors.read(FILE));
        } catch (CheckpointException expected) {
            checkMessage(expected);
        }
    }
}
