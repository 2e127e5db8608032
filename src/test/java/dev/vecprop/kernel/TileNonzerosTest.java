package dev.vecprop.kernel;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link TileNonzeros} against its scalar twin and a hand count: bands, vector tails, signed zeros, NaN. */
class TileNonzerosTest {
    @Test
    void countsColumnsNonZeroInEachBandOfFourRows() {
        Random rnd = new Random(5);
        float[] specials = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.MIN_VALUE, -1.5f};
        for (int rows : new int[] {1, 3, 4, 5, 8, 13, 64}) {
            for (int cols : new int[] {1, 7, 8, 9, 17, 100, 784}) {
                int ld = cols + rnd.nextInt(3);
                int off = rnd.nextInt(5);
                float[] a = new float[off + rows * ld + 3];
                Arrays.fill(a, 42f); // outside the block: must be ignored
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        a[off + r * ld + c] = rnd.nextInt(5) == 0 ? specials[rnd.nextInt(specials.length)]
                                : (rnd.nextBoolean() ? 0f : -0f);
                    }
                }
                long expected = 0;
                for (int r0 = 0; r0 < rows; r0 += 4) {
                    for (int c = 0; c < cols; c++) {
                        boolean any = false;
                        for (int r = r0; r < Math.min(rows, r0 + 4); r++) {
                            float v = a[off + r * ld + c];
                            any |= v != 0f || Float.isNaN(v);
                        }
                        expected += any ? 1 : 0;
                    }
                }
                assertThat(TileNonzeros.count(a, off, rows, cols, ld)).as("rows %d cols %d", rows, cols).isEqualTo(expected);
                assertThat(TileNonzerosRef.count(a, off, rows, cols, ld)).isEqualTo(expected);
            }
        }
    }

    @Test
    void signedZerosDoNotCountAndNaNDoes() {
        float[] a = {0f, -0f, Float.NaN, 0f,
                     -0f, -0f, 0f, 2f};
        assertThat(TileNonzeros.count(a, 0, 2, 4, 4)).isEqualTo(2);
    }
}
