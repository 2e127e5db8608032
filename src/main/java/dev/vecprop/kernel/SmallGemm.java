package dev.vecprop.kernel;

import dev.vecprop.simd.Simd;

/**
 * {@code C = A B} for the small products of attention heads ({@code (T, Dh) x (Dh, T)},
 * {@code (T, T) x (T, Dh)} and their transposes, T and Dh in the tens), without packing: the general
 * GEMM's panel packing costs more than such a product's arithmetic.
 * <pre>
 *   C[i][j] = sum_{p = 0 .. k-1} A(i, p) * B[p][j]     i &lt; m, j &lt; n
 *   A(i, p) = a[ao + i * ars + p * acs]                 (acs = 1: A row-major; ars = 1: A stored transposed)
 *   B[p][j] = b[bo + p * ldb + j]                        row-major, read as vectors along j
 *   C[i][j] = c[co + i * ldc + j]                        overwritten (beta = 0)
 * </pre>
 * Every element is one fused multiply-add chain over p in increasing order, from 0, in the vector
 * code and in the scalar twin {@link SmallGemmRef} alike, so the two give the same bits, and the
 * result depends on neither the thread count nor the vector width.
 */
public final class SmallGemm {
    private SmallGemm() {}

    private static final boolean V = Simd.ENABLED;

    /**
     * {@code C = A B}, as the class describes.
     *
     * @param m   rows of A and C
     * @param n   columns of B and C
     * @param k   columns of A, rows of B
     * @param a   A's array
     * @param ao  offset of A(0, 0)
     * @param ars A's row stride
     * @param acs A's column stride
     * @param b   B's array
     * @param bo  offset of B[0][0]
     * @param ldb B's row pitch
     * @param c   C's array, not overlapping A or B
     * @param co  offset of C[0][0]
     * @param ldc C's row pitch
     */
    public static void multiply(int m, int n, int k, float[] a, int ao, int ars, int acs,
                                float[] b, int bo, int ldb, float[] c, int co, int ldc) {
        if (V) SmallGemmVector.multiply(m, n, k, a, ao, ars, acs, b, bo, ldb, c, co, ldc);
        else SmallGemmRef.multiply(m, n, k, a, ao, ars, acs, b, bo, ldb, c, co, ldc);
    }
}
