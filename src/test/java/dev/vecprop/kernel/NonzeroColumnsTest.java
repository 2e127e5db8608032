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

    @Test
    void runsAndCompactionKeepExactlyTheListedColumnsInOrder() {
        Random rnd = new Random(8);
        for (int cols : new int[] {1, 2, 5, 28, 100, 784}) {
            for (int density : new int[] {0, 10, 50, 90, 100}) {
                int[] idx = new int[cols];
                int n = 0;
                for (int c = 0; c < cols; c++) {
                    if (rnd.nextInt(100) < density) {
                        idx[n++] = c;
                    }
                }
                int[] runs = new int[2 * cols];
                int nr = NonzeroColumns.runs(idx, n, runs);
                int covered = 0;
                for (int r = 0; r < nr; r++) {
                    for (int k = 0; k < runs[2 * r + 1]; k++) {
                        assertThat(runs[2 * r] + k).isEqualTo(idx[covered++]);
                    }
                    if (r > 0) {
                        assertThat(runs[2 * r]).as("runs are maximal").isGreaterThan(runs[2 * r - 2] + runs[2 * r - 1]);
                    }
                }
                assertThat(covered).isEqualTo(n);
                int rows = 3;
                int ld = cols + 2;
                float[] a = new float[1 + rows * ld];
                for (int i = 0; i < a.length; i++) {
                    a[i] = rnd.nextFloat();
                }
                float[] dst = new float[rows * n];
                NonzeroColumns.compact(a, 1, rows, ld, runs, nr, n, dst);
                for (int r = 0; r < rows; r++) {
                    for (int p = 0; p < n; p++) {
                        assertThat(dst[r * n + p]).isEqualTo(a[1 + r * ld + idx[p]]);
                    }
                }
            }
        }
    }

    private static int[] refBits(float[] a, int off, int rows, int cols, int ld) {
        int[] bits = new int[cols];
        NonzeroColumnsRef.orRows(a, off, rows, cols, ld, bits);
        return bits;
    }
}
