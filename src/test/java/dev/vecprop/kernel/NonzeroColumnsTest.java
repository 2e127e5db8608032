package dev.vecprop.kernel;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link NonzeroColumns} against its naive definition: widths across every vector tail, signed zeros, NaN, infinities. */
class NonzeroColumnsTest {
    @Test
    void listsExactlyTheColumnsHoldingANonZeroValue() {
        Random rnd = new Random(5);
        float[] specials = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -1.5f};
        for (int rows : new int[] {0, 1, 2, 7, 64}) {
            for (int cols : new int[] {1, 3, 7, 8, 9, 15, 16, 17, 33, 100, 784}) {
                int ld = cols + rnd.nextInt(3);
                int off = rnd.nextInt(5);
                float[] a = new float[off + Math.max(rows, 1) * ld + 3];
                Arrays.fill(a, 42f); // outside the block: must be ignored
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        a[off + r * ld + c] = rnd.nextInt(4) == 0 ? specials[rnd.nextInt(specials.length)]
                                : (rnd.nextBoolean() ? 0f : -0f);
                    }
                }
                int[] expected = new int[cols];
                int n = NonzeroColumnsRef.findNaive(a, off, rows, cols, ld, expected);
                int[] bits = new int[cols];
                int[] got = new int[cols];
                int m = NonzeroColumns.find(a, off, rows, cols, ld, bits, got);
                assertThat(Arrays.copyOf(got, m)).as("rows %d cols %d", rows, cols)
                        .containsExactly(Arrays.copyOf(expected, n));
                int[] ref = new int[cols];
                int q = NonzeroColumnsRef.list(refBits(a, off, rows, cols, ld), cols, ref);
                assertThat(Arrays.copyOf(ref, q)).containsExactly(Arrays.copyOf(expected, n));
            }
        }
    }

    @Test
    void zeroColumnsOfBothSignsAreSkippedAndNaNIsKept() {
        float[] a = {0f, -0f, Float.NaN, 1f,
                     -0f, -0f, 0f, 0f};
        int[] idx = new int[4];
        int n = NonzeroColumns.find(a, 0, 2, 4, 4, new int[4], idx);
        assertThat(Arrays.copyOf(idx, n)).containsExactly(2, 3);
    }

    private static int[] refBits(float[] a, int off, int rows, int cols, int ld) {
        int[] bits = new int[cols];
        NonzeroColumnsRef.orRows(a, off, rows, cols, ld, bits);
        return bits;
    }
}
