package dev.vecprop.data;

import dev.vecprop.kernel.ByteToFloat;
import dev.vecprop.kernel.ByteToFloatRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Valid and malformed IDX files, generated here. */
class IdxFileTest {
    @TempDir
    Path dir;

    /** An IDX file: type code, dims, then payload bytes. */
    static byte[] idx(int type, int[] dims, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + payload.length);
        b.put((byte) 0).put((byte) 0).put((byte) type).put((byte) dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(payload);
        return b.array();
    }

    Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    @Test
    void readsEveryElementType() throws IOException {
        try (IdxFile f = IdxFile.open(write("u8", idx(0x08, new int[]{2, 3}, new byte[]{0, 1, 2, (byte) 200, 4, (byte) 255})))) {
            assertThat(f.count()).isEqualTo(2);
            assertThat(f.itemSize()).isEqualTo(3);
            assertThat(f.getFloat(3)).isEqualTo(200f);
            assertThat(f.getInt(5)).isEqualTo(255);
        }
        try (IdxFile f = IdxFile.open(write("i8", idx(0x09, new int[]{2}, new byte[]{(byte) -3, 7})))) {
            assertThat(f.getFloat(0)).isEqualTo(-3f);
        }
        ByteBuffer s = ByteBuffer.allocate(4).putShort((short) -300).putShort((short) 5);
        try (IdxFile f = IdxFile.open(write("i16", idx(0x0B, new int[]{2}, s.array())))) {
            assertThat(f.getFloat(0)).isEqualTo(-300f);
        }
        ByteBuffer i = ByteBuffer.allocate(8).putInt(123456).putInt(-1);
        try (IdxFile f = IdxFile.open(write("i32", idx(0x0C, new int[]{2}, i.array())))) {
            assertThat(f.getInt(0)).isEqualTo(123456);
        }
        ByteBuffer fl = ByteBuffer.allocate(8).putFloat(1.5f).putFloat(-2.25f);
        try (IdxFile f = IdxFile.open(write("f32", idx(0x0D, new int[]{1, 2}, fl.array())))) {
            assertThat(f.getFloat(1)).isEqualTo(-2.25f);
        }
        ByteBuffer d = ByteBuffer.allocate(16).putDouble(0.125).putDouble(3);
        try (IdxFile f = IdxFile.open(write("f64", idx(0x0E, new int[]{2}, d.array())))) {
            assertThat(f.getFloat(0)).isEqualTo(0.125f);
            assertThat(f.getInt(1)).isEqualTo(3);
        }
    }

    @Test
    void everyTypeCodeOfTheFormatIsMapped() throws IOException {
        int[][] codes = {{0x08, 1}, {0x09, 1}, {0x0B, 2}, {0x0C, 4}, {0x0D, 4}, {0x0E, 8}};
        IdxFile.Type[] types = {IdxFile.Type.U8, IdxFile.Type.I8, IdxFile.Type.I16, IdxFile.Type.I32,
                IdxFile.Type.F32, IdxFile.Type.F64};
        for (int k = 0; k < codes.length; k++) {
            try (IdxFile f = IdxFile.open(write("t" + k, idx(codes[k][0], new int[]{3}, new byte[3 * codes[k][1]])))) {
                assertThat(f.type()).isEqualTo(types[k]);
                assertThat(f.type().code()).isEqualTo(codes[k][0]);
                assertThat(f.type().bytes()).isEqualTo(codes[k][1]);
                assertThat(f.payload().byteSize()).isEqualTo(3L * codes[k][1]);
            }
        }
        for (int c = 0; c < 256; c++) {
            int code = c;
            if (IntStream.of(0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E).noneMatch(known -> known == code)) {
                bad(write("code" + code, idx(code, new int[]{1}, new byte[1])),
                        String.format("unknown IDX element type 0x%02X in byte 2 (type code", code),
                        "expected 0x08 u8, 0x09 i8, 0x0B i16, 0x0C i32, 0x0D f32 or 0x0E f64");
            }
        }
    }

    @Test
    void everyHeaderFieldIsCheckedBeforeUse() throws IOException {
        bad(write("short", new byte[]{0, 0, 8}), "too short for an IDX header (3 bytes", "expected at least 4");
        bad(write("empty", new byte[0]), "too short for an IDX header (0 bytes", "expected at least 4");
        bad(write("magic", new byte[]{1, 2, 8, 1, 0, 0, 0, 1, 0}), "not an IDX file (magic bytes 0-1 are 0x01 0x02",
                "expected 0x00 0x00");
        bad(write("magic2", new byte[]{0, 1, 8, 1, 0, 0, 0, 1, 0}), "magic bytes 0-1 are 0x00 0x01", "expected 0x00 0x00");
        bad(write("nodims", new byte[]{0, 0, 8, 0}), "byte 3 (number of dimensions) declares 0 dimensions", "expected 1..8");
        bad(write("ninedims", idx(0x08, new int[]{1, 1, 1, 1, 1, 1, 1, 1, 1}, new byte[1])),
                "byte 3 (number of dimensions) declares 9 dimensions", "expected 1..8");
        bad(write("rank255", new byte[]{0, 0, 8, (byte) 255, 0, 0, 0, 1}), "declares 255 dimensions", "expected 1..8");
        try (IdxFile f = IdxFile.open(write("eightdims", idx(0x08, new int[]{1, 1, 1, 1, 1, 1, 1, 2}, new byte[2])))) {
            assertThat(f.dims()).hasSize(8);
            assertThat(f.itemSize()).isEqualTo(2);
        }
        bad(write("hdr", new byte[]{0, 0, 8, 3, 0, 0, 0, 1}), "truncated header: byte 3 declares 3 dimensions",
                "need 16 header bytes (expected at least that many), the file has 8");
        bad(write("zero", idx(0x08, new int[]{0, 28}, new byte[0])), "dimension 0 (bytes 4-7) is 0",
                "expected 1..2147483647; a file with no items is not accepted");
        bad(write("zero1", idx(0x08, new int[]{5, 0}, new byte[0])), "dimension 1 (bytes 8-11) is 0",
                "expected 1..2147483647; items with no elements are not accepted");
        bad(write("negative", idx(0x08, new int[]{-1}, new byte[0])), "dimension 0 (bytes 4-7) is 4294967295",
                "expected 1..2147483647");
        bad(write("negative2", idx(0x0D, new int[]{2, 3, Integer.MIN_VALUE}, new byte[0])),
                "dimension 2 (bytes 12-15) is 2147483648", "expected 1..2147483647");
        int max = Integer.MAX_VALUE;
        bad(write("overflow", idx(0x08, new int[]{max, max, max}, new byte[0])), "dimensions 2147483647x2147483647x2147483647",
                "overflow: expected at most 2^63-1 elements");
        bad(write("bytesOverflow", idx(0x0E, new int[]{max, max}, new byte[0])), "dimensions 2147483647x2147483647 of float64",
                "overflow: expected at most 2^63-1 data bytes");
        bad(write("bigItems", idx(0x08, new int[]{1, max, 2}, new byte[0])), "dimensions 1x2147483647x2 give items of 4294967294 elements",
                "expected at most 2147483647");
        bad(write("truncated", idx(0x08, new int[]{10, 28, 28}, new byte[100])),
                "dimensions 10x28x28 of unsigned bytes (1 byte each)",
                "need exactly 7840 data bytes after the 16-byte header, the file has 100 (truncated)");
        bad(write("truncated16", idx(0x0B, new int[]{3}, new byte[5])), "dimensions 3 of int16 (2 bytes each)",
                "need exactly 6 data bytes after the 8-byte header, the file has 5 (truncated)");
        bad(write("nodata", idx(0x0C, new int[]{1}, new byte[0])), "dimensions 1 of int32 (4 bytes each)",
                "need exactly 4 data bytes after the 8-byte header, the file has 0 (truncated)");
        bad(write("extra", idx(0x08, new int[]{2}, new byte[3])), "dimensions 2 of unsigned bytes",
                "need exactly 2 data bytes after the 8-byte header, the file has 3 (1 extra byte)");
        bad(write("extra64", idx(0x0E, new int[]{1, 1}, new byte[24])), "dimensions 1x1 of float64 (8 bytes each)",
                "need exactly 8 data bytes after the 12-byte header, the file has 24 (16 extra bytes)");
        bad(dir, "is a directory", "expected an IDX file");
        bad(dir.resolve("missing"), "no such file", "no such file");
    }

    @Test
    void aGzippedFileIsNamedAsSuch() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(idx(0x08, new int[]{2, 2}, new byte[4]));
        }
        bad(write("images.gz", bytes.toByteArray()), "is gzip-compressed (magic bytes 0-1 are 0x1F 0x8B)",
                "expected a raw IDX file starting 0x00 0x00: decompress it first");
    }

    /** The exception type, the file, the field and the expectation, on one line. */
    private static void bad(Path p, String field, String expected) {
        assertThatThrownBy(() -> IdxFile.open(p).close())
                .isInstanceOf(InvalidDataException.class)
                .hasMessageStartingWith(p + ": ")
                .hasMessageContaining(field)
                .hasMessageContaining(expected)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void imagesMustBeUnsignedBytesInAtLeastTwoDimensions() throws IOException {
        ByteBuffer fl = ByteBuffer.allocate(16).putFloat(0.5f).putFloat(1).putFloat(0).putFloat(0.25f);
        Path f32 = write("f32-images", idx(0x0D, new int[]{1, 2, 2}, fl.array()));
        assertThatThrownBy(() -> IdxFile.openImages(f32)).isInstanceOf(InvalidDataException.class)
                .hasMessage(f32 + ": images must be unsigned bytes (IDX type 0x08), got float32 (0x0D)");
        try (IdxFile f = IdxFile.open(f32)) {
            assertThatThrownBy(f::expectImages).isInstanceOf(InvalidDataException.class)
                    .hasMessage(f32 + ": images must be unsigned bytes (IDX type 0x08), got float32 (0x0D)");
        }
        String[] got = {"signed bytes (0x09)", "int16 (0x0B)", "int32 (0x0C)", "float32 (0x0D)", "float64 (0x0E)"};
        int[] codes = {0x09, 0x0B, 0x0C, 0x0D, 0x0E};
        int[] sizes = {1, 2, 4, 4, 8};
        for (int k = 0; k < codes.length; k++) {
            Path p = write("img" + k, idx(codes[k], new int[]{2, 3}, new byte[6 * sizes[k]]));
            assertThatThrownBy(() -> IdxFile.openImages(p)).isInstanceOf(InvalidDataException.class)
                    .hasMessage(p + ": images must be unsigned bytes (IDX type 0x08), got " + got[k]);
        }
        Path flat = write("flat-images", idx(0x08, new int[]{4}, new byte[4]));
        assertThatThrownBy(() -> IdxFile.openImages(flat)).isInstanceOf(InvalidDataException.class)
                .hasMessage(flat + ": images must have at least 2 dimensions (count, then pixels), got 1 (dimensions 4)");
        Path ok = write("u8-images", idx(0x08, new int[]{2, 2, 2}, new byte[8]));
        try (IdxFile f = IdxFile.openImages(ok)) {
            assertThat(f.expectImages()).isSameAs(f);
            assertThat(f.itemSize()).isEqualTo(4);
        }
        try (IdxFile f = IdxFile.openImages(write("u8-rows", idx(0x08, new int[]{2, 784}, new byte[2 * 784])))) {
            assertThat(f.itemSize()).isEqualTo(784);
        }
    }

    @Test
    void labelsMustBeIntegersInOneDimension() throws IOException {
        String want = "labels must be integers (IDX type 0x08, 0x09, 0x0B or 0x0C), got ";
        Path f32 = write("f32-labels", idx(0x0D, new int[]{2}, ByteBuffer.allocate(8).putFloat(1).putFloat(2).array()));
        assertThatThrownBy(() -> IdxFile.openLabels(f32)).isInstanceOf(InvalidDataException.class)
                .hasMessage(f32 + ": " + want + "float32 (0x0D)");
        Path f64 = write("f64-labels", idx(0x0E, new int[]{1}, new byte[8]));
        assertThatThrownBy(() -> IdxFile.openLabels(f64)).isInstanceOf(InvalidDataException.class)
                .hasMessage(f64 + ": " + want + "float64 (0x0E)");
        Path twoD = write("2d-labels", idx(0x08, new int[]{3, 2}, new byte[6]));
        assertThatThrownBy(() -> IdxFile.openLabels(twoD)).isInstanceOf(InvalidDataException.class)
                .hasMessage(twoD + ": labels must have 1 dimension (one label per item), got 2 (dimensions 3x2)");
        int[] codes = {0x08, 0x09, 0x0B, 0x0C};
        int[] sizes = {1, 1, 2, 4};
        for (int k = 0; k < codes.length; k++) {
            try (IdxFile f = IdxFile.openLabels(write("lab" + k, idx(codes[k], new int[]{3}, new byte[3 * sizes[k]])))) {
                assertThat(f.count()).isEqualTo(3);
                assertThat(f.getInt(2)).isZero();
            }
        }
    }

    @Test
    void requireTypeNamesTheRoleAndTheAllowedTypes() throws IOException {
        Path p = write("i16", idx(0x0B, new int[]{2}, new byte[4]));
        try (IdxFile f = IdxFile.open(p)) {
            assertThat(f.requireType("samples", IdxFile.Type.I16)).isSameAs(f);
            assertThat(f.requireType("samples", IdxFile.Type.U8, IdxFile.Type.I16)).isSameAs(f);
            assertThatThrownBy(() -> f.requireType("pixels", IdxFile.Type.U8, IdxFile.Type.F32))
                    .isInstanceOf(InvalidDataException.class)
                    .hasMessage(p + ": pixels must be unsigned bytes (0x08) or float32 (0x0D), got int16 (0x0B)");
            assertThatThrownBy(() -> f.requireType("pixels", IdxFile.Type.F32))
                    .isInstanceOf(InvalidDataException.class)
                    .hasMessage(p + ": pixels must be float32 (IDX type 0x0D), got int16 (0x0B)");
            assertThatThrownBy(() -> f.requireType("pixels")).isInstanceOf(dev.vecprop.ConfigException.class);
        }
    }

    @Test
    void datasetCrossChecksImagesAndLabels() throws IOException {
        Path img = write("img", idx(0x08, new int[]{3, 2, 2}, new byte[]{0, 51, 102, (byte) 255, 1, 2, 3, 4, 5, 6, 7, 8}));
        Path lab = write("lab", idx(0x08, new int[]{3}, new byte[]{1, 0, 2}));
        try (IdxDataset d = IdxDataset.open(img, lab, 0)) {
            assertThat(d.classes()).isEqualTo(3);
            assertThat(d.sampleShape().toString()).isEqualTo("(1,2,2)");
            float[] x = new float[8];
            int[] y = new int[2];
            d.gather(new int[]{2, 0}, 0, 2, x, 0, y, 0);
            assertThat(y).containsExactly(2, 1);
            assertThat(x[4]).isEqualTo(0f);
            assertThat(x[7]).isEqualTo(1f);
            assertThat(x[5]).isCloseTo(0.2f, org.assertj.core.data.Offset.offset(1e-7f));
        }
        Path lab2 = write("lab2", idx(0x08, new int[]{2}, new byte[]{1, 0}));
        assertThatThrownBy(() -> IdxDataset.open(img, lab2, 0)).isInstanceOf(InvalidDataException.class)
                .hasMessageContaining("has 2 labels but img has 3 images");
        Path lab3 = write("lab3", idx(0x08, new int[]{3}, new byte[]{1, 0, 12}));
        assertThatThrownBy(() -> IdxDataset.open(img, lab3, 10)).isInstanceOf(InvalidDataException.class)
                .hasMessageContaining("label 12 at index 2 is outside 0..9");
    }

    @Test
    void byteConversionMatchesItsTwinAtEveryTail() {
        Random r = new Random(1);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(900);
            for (int i = 0; i < 900; i++) {
                seg.set(ValueLayout.JAVA_BYTE, i, (byte) r.nextInt(256));
            }
            for (int n : new int[]{0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 33, 63, 64, 65, 784}) {
                for (int off : new int[]{0, 1, 5}) {
                    float[] a = new float[n + 2];
                    float[] b = new float[n + 2];
                    ByteToFloat.u8ToF32(seg, off, a, 2, n, 1f / 255f / 0.3081f, -0.1307f / 0.3081f);
                    ByteToFloatRef.u8ToF32(seg, off, b, 2, n, 1f / 255f / 0.3081f, -0.1307f / 0.3081f);
                    assertThat(a).containsExactly(b);
                }
            }
        }
    }
}
