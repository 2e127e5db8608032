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
}
