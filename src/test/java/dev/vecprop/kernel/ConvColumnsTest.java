package dev.vecprop.kernel;

import dev.vecprop.simd.GemmTiling;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The implicit-im2col panel writers against their scalar twin, bit for bit: blocks at every
 * offset of the column and row ranges, position tables with consecutive runs, strides and row
 * breaks, and ragged ends (zero padding past the last column).
 */
class ConvColumnsTest {

    /** channels, padded H, padded W, kernel, stride, dilation. */
    static Stream<Arguments> geometries() {
        return Stream.of(
                Arguments.of(1, 28, 28, 3, 1, 1),
                Arguments.of(3, 13, 11, 3, 1, 1),
                Arguments.of(2, 12, 17, 5, 1, 1),
                Arguments.of(4, 9, 9, 3, 2, 1),
                Arguments.of(2, 11, 10, 2, 3, 1),
                Arguments.of(3, 14, 15, 3, 1, 2),
                Arguments.of(5, 7, 40, 1, 1, 1));
    }

    @ParameterizedTest(name = "C={0} {1}x{2} k={3} stride={4} dilation={5}")
    @MethodSource("geometries")
    void vectorWritersEqualScalarTwin(int ch, int hp, int wp, int k, int stride, int dil) {
        int oh = (hp - dil * (k - 1) - 1) / stride + 1;
        int ow = (wp - dil * (k - 1) - 1) / stride + 1;
        int taps = ch * k * k;
        int n = oh * ow;
        int[] tap = new int[taps];
        for (int c = 0, r = 0; c < ch; c++) {
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++, r++) {
                    tap[r] = (c * hp + i * dil) * wp + j * dil;
                }
            }
        }
        int[] pos = new int[n];
        for (int p = 0; p < oh; p++) {
            for (int q = 0; q < ow; q++) {
                pos[p * ow + q] = p * stride * wp + q * stride;
            }
        }
        SplittableRandom rnd = new SplittableRandom(ch * 1000 + hp * 10 + k);
        int base = 5;
        float[] img = new float[base + ch * hp * wp];
        for (int i = 0; i < img.length; i++) {
            img[i] = (float) rnd.nextDouble();
        }
        int nr = GemmTiling.NR;
        int[][] blocks = {{0, taps, 0, n}, {1, Math.min(3, taps - 1), nr, Math.max(1, n - nr)},
                {taps / 2, taps - taps / 2, 0, Math.min(n, 3 * nr)}, {0, 1, n - 1, 1}};
        for (int[] bl : blocks) {
            int p0 = bl[0], kc = bl[1], j0 = bl[2], nc = bl[3];
            if (kc < 1 || nc < 1 || j0 >= n) {
                continue;
            }
            int size = (nc + nr - 1) / nr * kc * nr;
            float[] want = new float[size];
            float[] got = new float[size];
            Arrays.fill(got, Float.NaN);
            ConvColumnsRef.packByPosition(img, base, tap, pos, n, p0, kc, j0, nc, want);
            ConvColumns.packByPosition(img, base, tap, pos, n, p0, kc, j0, nc, got);
            assertThat(got).as("by position, block %s", Arrays.toString(bl)).containsExactly(want);
        }
        // by tap: rows are positions, columns taps
        int[][] tblocks = {{0, n, 0, taps}, {2, Math.min(5, n - 2), nr, Math.max(1, taps - nr)},
                {n / 3, n - n / 3, 0, Math.min(taps, 2 * nr)}, {n - 1, 1, taps - 1, 1}};
        for (int[] bl : tblocks) {
            int p0 = bl[0], kc = bl[1], j0 = bl[2], nc = bl[3];
            if (kc < 1 || nc < 1 || j0 >= taps) {
                continue;
            }
            int size = (nc + nr - 1) / nr * kc * nr;
            float[] want = new float[size];
            float[] got = new float[size];
            Arrays.fill(got, Float.NaN);
            ConvColumnsRef.packByTap(img, base, tap, pos, taps, p0, kc, j0, nc, want);
            ConvColumns.packByTap(img, base, tap, pos, taps, p0, kc, j0, nc, got);
            assertThat(got).as("by tap, block %s", Arrays.toString(bl)).containsExactly(want);
        }
        // and the twin itself is the definition
        float[] one = new float[nr * taps];
        ConvColumnsRef.packByPosition(img, base, tap, pos, n, 0, taps, 0, Math.min(n, nr), one);
        assertThat(one[0]).isEqualTo(img[base + tap[0] + pos[0]]);
        if (taps > 1 && n > 1 && nr > 1) {
            assertThat(one[nr + 1]).isEqualTo(img[base + tap[1] + pos[1]]);
        }
    }
}
