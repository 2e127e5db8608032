package dev.vecprop.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SafetensorsTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsTensorsAndMetadata() {
        Map<String, Safetensors.Tensor> t = new LinkedHashMap<>();
        t.put("0.weight", new Safetensors.Tensor("F32", new long[]{2, 3}, new float[]{1, 2, 3, 4, 5, -6.5f}));
        t.put("0.bias", new Safetensors.Tensor("F32", new long[]{2}, new float[]{0.5f, Float.MIN_VALUE}));
        t.put("1.num_batches_tracked", new Safetensors.Tensor("I64", new long[]{}, new float[]{7}));
        Path f = dir.resolve("m.safetensors");
        Safetensors.write(f, t, Map.of("vecprop.arch", "mlp \"quoted\"\n"));
        Safetensors.Contents c = Safetensors.read(f);
        assertThat(c.tensors().keySet()).containsExactly("0.weight", "0.bias", "1.num_batches_tracked");
        assertThat(c.tensors().get("0.weight").data()).containsExactly(1, 2, 3, 4, 5, -6.5f);
        assertThat(c.tensors().get("0.bias").data()[1]).isEqualTo(Float.MIN_VALUE);
        assertThat(c.tensors().get("1.num_batches_tracked").dtype()).isEqualTo("I64");
        assertThat(c.metadata()).containsEntry("vecprop.arch", "mlp \"quoted\"\n");
    }

    static Path file(Path dir, String name, String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Path p = dir.resolve(name);
        Files.write(p, b.array());
        return p;
    }

    @Test
    void malformedFilesAreRejectedWithoutLargeAllocations() throws IOException {
        Path huge = dir.resolve("huge");
        Files.write(huge, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE).array());
        bad(huge, "header length");
        bad(file(dir, "json", "{\"a\":", 0), "malformed JSON");
        bad(file(dir, "dtype", "{\"a\":{\"dtype\":\"Q8\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1), "unknown dtype Q8");
        bad(file(dir, "range", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4), "outside the data");
        bad(file(dir, "mismatch", "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8), "needs 12 bytes");
        bad(file(dir, "overlap", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12), "overlap");
        bad(file(dir, "dup", "{\"a\":{},\"a\":{}}", 0), "duplicate key");
        bad(file(dir, "short", "", 0), "header length 0");
        bad(dir, "is a directory");
    }

    private static void bad(Path p, String text) {
        assertThatThrownBy(() -> Safetensors.read(p)).isInstanceOf(CheckpointException.class)
                .hasMessageStartingWith(p + ": ").hasMessageContaining(text);
    }

    @Test
    void aFailedWriteLeavesThePreviousFileIntact() throws IOException {
        Path f = dir.resolve("keep.safetensors");
        Map<String, Safetensors.Tensor> t = Map.of("w", new Safetensors.Tensor("F32", new long[]{1}, new float[]{1}));
        Safetensors.write(f, t, Map.of());
        byte[] before = Files.readAllBytes(f);
        Map<String, Safetensors.Tensor> bad = Map.of("w", new Safetensors.Tensor("BF16", new long[]{1}, new float[]{2}));
        assertThatThrownBy(() -> Safetensors.write(f, bad, Map.of())).isInstanceOf(IllegalArgumentException.class);
        assertThat(Files.readAllBytes(f)).isEqualTo(before);
        try (var s = Files.list(dir)) {
            assertThat(s.map(x -> x.getFileName().toString())).containsExactly("keep.safetensors");
        }
    }
}
