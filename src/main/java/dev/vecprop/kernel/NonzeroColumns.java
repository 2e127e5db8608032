package dev.vecprop.kernel;

import dev.vecprop.simd.Simd;

/**
 * Which columns of a row-major block hold a value other than zero in at least one row: the input
 * features a dense layer's GEMMs cannot skip. A column counts as zero when every element is
 * {@code +0.0} or {@code -0.0}; NaN and infinities count as non-zero, so they still propagate.
 * The vector path ORs the float bits of each row into {@code bits}; the scalar twin is
 * {@link NonzeroColumnsRef}. Both give the same list.
 */
public final class NonzeroColumns {
    private NonzeroColumns() {}

    /**
     * Writes the indices of the non-zero columns of {@code a} ({@code rows x cols} at {@code off},
     * row stride {@code ld}) to {@code idx} in ascending order and returns how many there are.
     *
     * @param bits scratch of at least {@code cols} ints (overwritten)
     * @param idx  output, at least {@code cols} ints
     */
    public static int find(float[] a, int off, int rows, int cols, int ld, int[] bits, int[] idx) {
        if (Simd.ENABLED) {
            NonzeroColumnsVector.orRows(a, off, rows, cols, ld, bits);
        } else {
            NonzeroColumnsRef.orRows(a, off, rows, cols, ld, bits);
        }
        return NonzeroColumnsRef.list(bits, cols, idx);
    }

    /**
     * The runs of consecutive indices in {@code idx[0..n)} (ascending): {@code runs[2r]} the first
     * index of run r, {@code runs[2r+1]} its length; returns the number of runs. Image features
     * come in runs (the non-blank part of each pixel row), so copies by run are short arraycopies.
     *
     * @param runs at least {@code 2 * n} ints
     */
    public static int runs(int[] idx, int n, int[] runs) {
        int r = 0;
        int p = 0;
        while (p < n) {
            int q = p + 1;
            while (q < n && idx[q] == idx[q - 1] + 1) {
                q++;
            }
            runs[2 * r] = idx[p];
            runs[2 * r + 1] = q - p;
            r++;
            p = q;
        }
        return r;
    }

    /**
     * The block with only the columns listed by {@link #runs} ({@code n} in all):
     * {@code dst[r*n + p] = a[off + r*ld + idx[p]]} for r < rows.
     */
    public static void compact(float[] a, int off, int rows, int ld, int[] runs, int nRuns, int n, float[] dst) {
        for (int r = 0; r < rows; r++) {
            int src = off + r * ld;
            int d = r * n;
            for (int k = 0; k < nRuns; k++) {
                int len = runs[2 * k + 1];
                System.arraycopy(a, src + runs[2 * k], dst, d, len);
                d += len;
            }
        }
    }
}
