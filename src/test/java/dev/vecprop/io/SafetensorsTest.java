package dev.vecprop.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
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
        return file(dir, name, header.getBytes(StandardCharsets.UTF_8), new byte[dataBytes]);
    }

    static Path file(Path dir, String name, byte[] h, byte[] data) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        Path p = dir.resolve(name);
        Files.write(p, b.array());
        return p;
    }

    /** One tensor entry of a header. */
    static String t(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + ","
                + end + "]}";
    }

    static byte[] le(int bytes, long... values) {
        ByteBuffer b = ByteBuffer.allocate(bytes * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            switch (bytes) {
                case 2 -> b.putShort((short) v);
                case 4 -> b.putInt((int) v);
                default -> b.putLong(v);
            }
        }
        return b.array();
    }

    @Test
    void headerLengthIsBoundedByTheFileAndTheLimit() throws IOException {
        Path huge = dir.resolve("huge");
        Files.write(huge, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE).array());
        bad(huge, "header length 9223372036854775807 (bytes 0-7, little-endian u64)", "expected 2..8");
        Path unsigned = dir.resolve("unsigned");
        Files.write(unsigned, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1).array());
        bad(unsigned, "header length 18446744073709551615", "expected 2..8");
        bad(file(dir, "zero", "", 0), "header length 0 (bytes 0-7", "expected 2..0");
        bad(file(dir, "one", "{", 0), "header length 1 (bytes 0-7", "expected 2..1");
        Path past = dir.resolve("past");
        Files.write(past, ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putLong(5).array());
        bad(past, "header length 5", "expected 2..4 (the file has 4 bytes after the length field");
        Path seven = dir.resolve("seven");
        Files.write(seven, new byte[7]);
        bad(seven, "too short for a safetensors header (7 bytes", "expected at least 8");
        // A sparse file larger than the limit: the length is refused before anything is allocated or read.
        Path big = dir.resolve("big");
        try (RandomAccessFile r = new RandomAccessFile(big.toFile(), "rw")) {
            r.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(Safetensors.MAX_HEADER + 1).array());
            r.setLength(Safetensors.MAX_HEADER + 64);
        }
        bad(big, "header length 100000001", "expected 2..100000000");
        bad(dir, "is a directory", "expected a safetensors file");
        bad(dir.resolve("missing"), "no such file", "no such file");
    }

    @Test
    void headerTextIsStrictUtf8JsonStartingWithABraceAndPaddedWithSpaces() throws IOException {
        byte[] latin1 = "{\"w\u00e9\":{}}".getBytes(StandardCharsets.ISO_8859_1);
        bad(file(dir, "latin1", latin1, new byte[0]), "header is not valid UTF-8 at byte 11 (0xE9", "expected UTF-8 JSON");
        bad(file(dir, "lead", " {}", 0), "header must start with '{' at byte 8, got 0x20", "must start with '{'");
        bad(file(dir, "nul", "{}\0\0", 0), "header must end with '}' followed only by space (0x20) padding, got U+0000",
                "followed only by space");
        bad(file(dir, "newline", "{}\n", 0), "got U+000A before the padding", "followed only by space");
        bad(file(dir, "json", "{\"a\": }", 0), "header: malformed JSON at character 6", "expected strict JSON");
        bad(file(dir, "trailing", "{} {}", 0), "header: malformed JSON", "expected strict JSON");
        bad(file(dir, "dup", "{\"a\":{},\"a\":{}}", 0), "duplicate key \"a\"", "expected strict JSON");
        bad(file(dir, "dupfield", "{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}", 4),
                "duplicate key \"dtype\"", "expected strict JSON");
        bad(file(dir, "dupmeta", "{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}", 0), "duplicate key \"k\"", "expected strict JSON");
        assertThat(Safetensors.read(file(dir, "padded", "{}      ", 0)).tensors()).isEmpty();
        assertThat(Safetensors.read(file(dir, "inner", "{\n  \"__metadata__\" : {\"k\": \"v\"}\n}", 0)).metadata())
                .containsEntry("k", "v");
    }

    @Test
    void metadataMustMapStringsToStrings() throws IOException {
        bad(file(dir, "mstr", "{\"__metadata__\":\"x\"}", 0), "__metadata__ is a string", "expected an object of string values");
        bad(file(dir, "marr", "{\"__metadata__\":[]}", 0), "__metadata__ is an array", "expected an object of string values");
        bad(file(dir, "mnum", "{\"__metadata__\":{\"epoch\":3}}", 0), "__metadata__ value of epoch is the integer 3",
                "expected a string");
        bad(file(dir, "mnull", "{\"__metadata__\":{\"x\":null}}", 0), "__metadata__ value of x is null", "expected a string");
        bad(file(dir, "mobj", "{\"__metadata__\":{\"x\":{}}}", 0), "__metadata__ value of x is an object", "expected a string");
    }

    @Test
    void everyTensorEntryHasExactlyDtypeShapeAndOffsetsOfTheRightTypes() throws IOException {
        bad(file(dir, "arr", "{\"a\":[1]}", 0), "tensor a: entry is an array", "expected an object {dtype, shape, data_offsets}");
        bad(file(dir, "str", "{\"a\":\"F32\"}", 0), "tensor a: entry is a string", "expected an object");
        bad(file(dir, "extra", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"offsets\":[0,4]}}", 4),
                "tensor a: unexpected field offsets", "expected exactly dtype, shape and data_offsets");
        bad(file(dir, "noshape", "{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4), "tensor a: missing field shape",
                "expected exactly dtype, shape and data_offsets");
        bad(file(dir, "nodtype", "{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "tensor a: missing field dtype",
                "expected exactly");
        bad(file(dir, "nooff", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4), "tensor a: missing field data_offsets",
                "expected exactly");
        bad(file(dir, "dtnum", "{\"a\":{\"dtype\":5,\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "tensor a: dtype is the integer 5",
                "expected a string, one of F32, F16, BF16, F64, I64, I32");
        bad(file(dir, "dtype", "{" + t("a", "Q8", "[1]", 0, 1) + "}", 1), "tensor a: unknown dtype Q8",
                "(expected one of F32, F16, BF16, F64, I64, I32, I8)");
        bad(file(dir, "lower", "{" + t("a", "f32", "[1]", 0, 4) + "}", 4), "tensor a: unknown dtype f32", "expected one of F32");
        for (String dt : new String[]{"U8", "BOOL", "I16", "U16", "U32", "U64", "F8_E4M3", "F8_E5M2", "C64"}) {
            bad(file(dir, "dt" + dt, "{" + t("layer.w", dt, "[1]", 0, 1) + "}", 1),
                    "tensor layer.w: dtype " + dt + " is not supported", "(expected one of F32, F16, BF16, F64, I64, I32, I8)");
        }
        bad(file(dir, "shnum", "{\"a\":{\"dtype\":\"F32\",\"shape\":2,\"data_offsets\":[0,8]}}", 8), "tensor a: shape is the integer 2",
                "expected an array of non-negative integers");
        bad(file(dir, "shneg", "{" + t("a", "F32", "[2,-1]", 0, 8) + "}", 8), "tensor a: shape entry 1 is the integer -1",
                "expected a non-negative integer");
        bad(file(dir, "shfloat", "{" + t("a", "F32", "[2.0]", 0, 8) + "}", 8), "tensor a: shape entry 0 is the number 2.0",
                "expected a non-negative integer");
        bad(file(dir, "shstr", "{" + t("a", "F32", "[\"2\"]", 0, 8) + "}", 8), "tensor a: shape entry 0 is a string",
                "expected a non-negative integer");
        bad(file(dir, "shbig", "{" + t("a", "F32", "[99999999999999999999]", 0, 8) + "}", 8), "bad number", "expected strict JSON");
        bad(file(dir, "numel", "{" + t("a", "F32", "[4294967296,4294967296]", 0, 8) + "}", 8),
                "tensor a: shape [4294967296, 4294967296] overflows", "expected at most 2^63-1 elements");
        bad(file(dir, "bytes", "{" + t("a", "F64", "[4611686018427387904]", 0, 8) + "}", 8),
                "tensor a: shape [4611686018427387904] of F64 overflows", "expected at most 2^63-1 bytes");
        bad(file(dir, "numel2", "{" + t("a", "BF16", "[2147483648]", 0, 8) + "}", 8),
                "tensor a: shape [2147483648] has 2147483648 elements", "expected at most 2147483639");
        bad(file(dir, "offnum", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":4}}", 4), "tensor a: data_offsets is 4",
                "expected [begin, end] of two non-negative integers");
        bad(file(dir, "off3", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,4]}}", 4),
                "tensor a: data_offsets is [0, 4, 4]", "expected [begin, end] of two non-negative integers");
        bad(file(dir, "offneg", "{" + t("a", "F32", "[1]", -4, 0) + "}", 4), "tensor a: data_offsets is [-4, 0]",
                "expected [begin, end] of two non-negative integers");
        bad(file(dir, "offfloat", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4.0]}}", 4),
                "tensor a: data_offsets is [0, 4.0]", "expected [begin, end]");
        bad(file(dir, "backwards", "{" + t("a", "F32", "[0]", 8, 4) + "}", 8), "tensor a: data_offsets [8, 4] end before they begin",
                "expected begin <= end");
        bad(file(dir, "range", "{" + t("a", "F32", "[2]", 0, 8) + "}", 4), "tensor a: data_offsets [0, 8] outside the data (4 bytes",
                "expected end <= 4");
        bad(file(dir, "mismatch", "{" + t("a", "F32", "[3]", 0, 8) + "}", 8), "tensor a: shape [3] of F32 needs 12 bytes",
                "data_offsets [0, 8] give 8 (expected end - begin = elements x 4)");
        bad(file(dir, "mismatch16", "{" + t("a", "F16", "[2,2]", 0, 16) + "}", 16), "tensor a: shape [2, 2] of F16 needs 8 bytes",
                "expected end - begin = elements x 2");
    }

    @Test
    void tensorsCoverTheDataAreaContiguouslyWithoutOverlapsOrGaps() throws IOException {
        bad(file(dir, "overlap", "{" + t("a", "F32", "[2]", 0, 8) + "," + t("b", "F32", "[2]", 4, 12) + "}", 12),
                "tensors a and b overlap: a ends at data byte 8, b begins at 4",
                "expected each tensor to begin where the previous one ends");
        bad(file(dir, "same", "{" + t("a", "F32", "[2]", 0, 8) + "," + t("b", "F32", "[2]", 0, 8) + "}", 8),
                "tensors a and b overlap", "expected each tensor to begin where the previous one ends");
        bad(file(dir, "inside", "{" + t("a", "F32", "[2]", 0, 8) + "," + t("e", "F32", "[0]", 4, 4) + "}", 8),
                "tensors a and e overlap", "expected each tensor to begin");
        bad(file(dir, "gap", "{" + t("a", "F32", "[1]", 0, 4) + "," + t("b", "F32", "[1]", 8, 12) + "}", 12),
                "data bytes [4, 8) before tensor b belong to no tensor", "expected contiguous data_offsets");
        bad(file(dir, "lead", "{" + t("a", "F32", "[1]", 4, 8) + "}", 8),
                "data bytes [0, 4) before tensor a belong to no tensor", "expected contiguous data_offsets");
        bad(file(dir, "tail", "{" + t("a", "F32", "[1]", 0, 4) + "}", 8),
                "the data area has 8 bytes but the tensors' data_offsets end at 4: 4 trailing bytes belong to no tensor",
                "expected the tensors to cover the data area exactly");
        bad(file(dir, "nothing", "{\"__metadata__\":{}}", 3), "the data area has 3 bytes but the tensors' data_offsets end at 0",
                "expected the tensors to cover the data area exactly");
        // Header order need not be offset order; scalars and empty tensors are valid; Contents keep header order.
        byte[] data = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putFloat(1).putFloat(2).putFloat(3).array();
        Path ok = file(dir, "ok", ("{" + t("b", "F32", "[2]", 4, 12) + "," + t("empty", "F32", "[0,3]", 4, 4) + ","
                + t("a", "F32", "[]", 0, 4) + "}").getBytes(StandardCharsets.UTF_8), data);
        Safetensors.Contents c = Safetensors.read(ok);
        assertThat(c.tensors().keySet()).containsExactly("b", "empty", "a");
        assertThat(c.tensors().get("a").data()).containsExactly(1f);
        assertThat(c.tensors().get("b").data()).containsExactly(2f, 3f);
        assertThat(c.tensors().get("empty").data()).isEmpty();
        assertThat(c.tensors().get("empty").shape()).containsExactly(0, 3);
    }

    @Test
    void convertedDtypesAreExactOrRejected() throws IOException {
        // The reference writer's layout: metadata first, tensors sorted, header padded with spaces to 8 bytes.
        byte[] f16 = le(2, 0x3C00, 0xC000);             // 1.0, -2.0
        byte[] bf16 = le(2, 0x3FC0, 0x4049);            // 1.5, 3.140625
        byte[] f64 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.1).array();
        byte[] i64 = le(8, 16777216L);
        byte[] i32 = le(4, -7);
        String h = "{\"__metadata__\":{\"format\":\"pt\"}," + t("h", "F16", "[2]", 0, 4) + "," + t("b", "BF16", "[2]", 4, 8) + ","
                + t("d", "F64", "[1]", 8, 16) + "," + t("n", "I64", "[]", 16, 24) + "," + t("i", "I32", "[1]", 24, 28) + "}";
        h += " ".repeat((8 - h.length() % 8) % 8);
        ByteBuffer all = ByteBuffer.allocate(28).put(f16).put(bf16).put(f64).put(i64).put(i32);
        Safetensors.Contents c = Safetensors.read(file(dir, "dtypes", h.getBytes(StandardCharsets.UTF_8), all.array()));
        assertThat(c.tensors().get("h").data()).containsExactly(1f, -2f);
        assertThat(c.tensors().get("b").data()).containsExactly(1.5f, 3.140625f);
        assertThat(c.tensors().get("d").data()).containsExactly(0.1f);
        assertThat(c.tensors().get("n").data()).containsExactly(16777216f);
        assertThat(c.tensors().get("i").data()).containsExactly(-7f);
        assertThat(c.metadata()).containsExactly(Map.entry("format", "pt"));

        byte[] far = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(1e300).array();
        bad(file(dir, "f64range", ("{" + t("d", "F64", "[1]", 0, 8) + "}").getBytes(StandardCharsets.UTF_8), far),
                "tensor d: F64 element 0 = 1.0E300 is outside the float32 range", "expected |value| <= 3.4028235E38");
        bad(file(dir, "i64exact", ("{" + t("1.num_batches_tracked", "I64", "[]", 0, 8) + "}").getBytes(StandardCharsets.UTF_8),
                le(8, 16777217L)), "tensor 1.num_batches_tracked: I64 element 0 = 16777217 is not exactly representable as float32",
                "expected |value| <= 16777216");
        bad(file(dir, "i32exact", ("{" + t("i", "I32", "[2]", 0, 8) + "}").getBytes(StandardCharsets.UTF_8),
                le(4, 0, Integer.MIN_VALUE)), "tensor i: I32 element 1 = -2147483648 is not exactly representable", "expected |value|");
        // Non-finite values are passed through: Checkpoint.loadInto rejects them with the tensor's name.
        byte[] nan = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(Double.NaN).array();
        assertThat(Safetensors.read(file(dir, "nan", ("{" + t("d", "F64", "[1]", 0, 8) + "}").getBytes(StandardCharsets.UTF_8), nan))
                .tensors().get("d").data()[0]).isNaN();
    }

    @Test
    void untrustedNamesArePrintableInMessages() throws IOException {
        Path p = file(dir, "ctl", "{" + t("x\\u0001\\u001b[2Jy", "Q8", "[1]", 0, 1) + "}", 1);
        bad(p, "tensor x\\u0001\\u001b[2Jy: unknown dtype Q8", "expected one of");
        String longName = "n".repeat(200);
        Path q = file(dir, "long", "{" + t(longName, "U8", "[1]", 0, 1) + "}", 1);
        bad(q, "tensor " + "n".repeat(60) + "...: dtype U8 is not supported", "expected one of");
        Path r = file(dir, "ctlmeta", "{\"__metadata__\":{\"a\\nb\":1}}", 0);
        bad(r, "__metadata__ value of a\\u000ab is the integer 1", "expected a string");
    }

    /** The exception type, the file, the field and the expectation, on one line. */
    private static void bad(Path p, String field, String expected) {
        assertThatThrownBy(() -> Safetensors.read(p)).isInstanceOf(CheckpointException.class)
                .hasMessageStartingWith(p + ": ").hasMessageContaining(field).hasMessageContaining(expected)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("\r")
                        .doesNotContain("\u0001").doesNotContain("\u001b"));
    }

    @Test
    void theWriterOnlyProducesFilesTheReaderAccepts() {
        Path f = dir.resolve("w.safetensors");
        Map<String, Safetensors.Tensor> shortData = Map.of("w", new Safetensors.Tensor("F32", new long[]{2, 2}, new float[3]));
        assertThatThrownBy(() -> Safetensors.write(f, shortData, Map.of())).isInstanceOf(dev.vecprop.ConfigException.class)
                .hasMessageContaining("holds 3 values, expected 4");
        Map<String, Safetensors.Tensor> meta = Map.of("__metadata__", new Safetensors.Tensor("F32", new long[]{1}, new float[1]));
        assertThatThrownBy(() -> Safetensors.write(f, meta, Map.of())).isInstanceOf(dev.vecprop.ConfigException.class);
        Map<String, Safetensors.Tensor> frac = Map.of("n", new Safetensors.Tensor("I64", new long[]{}, new float[]{1.5f}));
        assertThatThrownBy(() -> Safetensors.write(f, frac, Map.of())).isInstanceOf(dev.vecprop.ConfigException.class)
                .hasMessageContaining("expected integers");
        assertThat(f).doesNotExist();
        Map<String, Safetensors.Tensor> empty = new LinkedHashMap<>();
        empty.put("e", new Safetensors.Tensor("F32", new long[]{0}, new float[0]));
        empty.put("s", new Safetensors.Tensor("F32", new long[]{}, new float[]{4}));
        Safetensors.write(f, empty, Map.of());
        assertThat(Safetensors.read(f).tensors().get("s").data()).containsExactly(4f);
    }

    @Test
    void aFailedWriteLeavesThePreviousFileIntact() throws IOException {
        Path f = dir.resolve("keep.safetensors");
        Map<String, Safetensors.Tensor> t = Map.of("w", new Safetensors.Tensor("F32", new long[]{1}, new float[]{1}));
        Safetensors.write(f, t, Map.of());
        byte[] before = Files.readAllBytes(f);
        Map<String, Safetensors.Tensor> bad = Map.of("w", new Safetensors.Tensor("BF16", new long[]{1}, new float[]{2}));
        assertThatThrownBy(() -> Safetensors.write(f, bad, Map.of())).isInstanceOf(dev.vecprop.ConfigException.class);
        assertThat(Files.readAllBytes(f)).isEqualTo(before);
        try (var s = Files.list(dir)) {
            assertThat(s.map(x -> x.getFileName().toString())).containsExactly("keep.safetensors");
        }
    }
}
