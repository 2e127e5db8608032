package dev.vecprop.data;

import dev.vecprop.kernel.ByteToFloat;
import dev.vecprop.kernel.ByteToFloatRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

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
    void malformedFilesGiveOneLineErrorsNamingTheFile() throws IOException {
        assertError(write("short", new byte[]{0, 0, 8}), "too short for an IDX header");
        assertError(write("magic", new byte[]{1, 2, 8, 1, 0, 0, 0, 1, 0}), "not an IDX file");
        assertError(write("type", idx(0x07, new int[]{1}, new byte[1])), "unknown IDX element type 0x07");
        assertError(write("nodims", new byte[]{0, 0, 8, 0}), "declares 0 dimensions");
        assertError(write("zero", idx(0x08, new int[]{0, 28}, new byte[0])), "dimension 0 is 0");
        assertError(write("negative", idx(0x08, new int[]{-1}, new byte[0])), "dimension 0 is 4294967295");
        assertError(write("overflow", idx(0x08, new int[]{Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE}, new byte[0])),
                "overflow");
        assertError(write("truncated", idx(0x08, new int[]{10, 28, 28}, new byte[100])), "(truncated)");
        assertError(write("extra", idx(0x08, new int[]{2}, new byte[3])), "(extra bytes)");
        assertError(write("hdr", new byte[]{0, 0, 8, 3, 0, 0, 0, 1}), "truncated header");
        assertError(dir, "is a directory");
        assertError(dir.resolve("missing"), "no such file");
    }

    private static void assertError(Path p, String text) {
        assertThatThrownBy(() -> IdxFile.open(p).close())
                .isInstanceOf(InvalidDataException.class)
                .hasMessageStartingWith(p.toString() + ": ")
                .hasMessageContaining(text)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
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
