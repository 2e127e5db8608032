package dev.vecprop.kernel;

import dev.vecprop.simd.FloatSpecies;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector body of {@link SmallGemm}: C in blocks of 6 rows x 2 vectors (12 accumulators) while
 * more than one vector of columns is left, then 8 rows x 1 vector; each A element broadcast, B rows
 * loaded straight from their array (no packing), the last vector of a row masked at n. Rows past m
 * in a block compute a copy of row m-1 and are not stored, so there is no scalar remainder loop.
 * The tile fits 16 registers (AVX2) and 32 alike: the products are too small for a larger one to pay.
 * Loaded only when enabled. The blocks are written out (no helper takes a
 * vector, which C2 may leave out of line and box).
 */
final class SmallGemmVector {
    private SmallGemmVector() {}

    private static final VectorSpecies<Float> S = FloatSpecies.SPECIES;
    private static final int L = S.length();

    static void multiply(int m, int n, int k, float[] a, int ao, int ars, int acs,
                         float[] b, int bo, int ldb, float[] c, int co, int ldc) {
        int j0 = 0;
        for (; n - j0 > L; j0 += 2 * L) {
            for (int i0 = 0; i0 < m; i0 += 6) {
                rows6x2(m, n, k, a, ao, ars, acs, i0, b, bo, ldb, j0, c, co, ldc);
            }
        }
        if (j0 < n) {
            for (int i0 = 0; i0 < m; i0 += 8) {
                rows8x1(m, n, k, a, ao, ars, acs, i0, b, bo, ldb, j0, c, co, ldc);
            }
        }
    }

    /** Rows [i0, i0 + min(6, m - i0)) of C, columns [j0, j0 + 2L) (the last vector's lanes past n masked off). */
    private static void rows6x2(int m, int n, int k, float[] a, int ao, int ars, int acs, int i0,
                               float[] b, int bo, int ldb, int j0, float[] c, int co, int ldc) {
        int rows = Math.min(6, m - i0);
        int a0 = ao + Math.min(i0 + 0, m - 1) * ars;
        int a1 = ao + Math.min(i0 + 1, m - 1) * ars;
        int a2 = ao + Math.min(i0 + 2, m - 1) * ars;
        int a3 = ao + Math.min(i0 + 3, m - 1) * ars;
        int a4 = ao + Math.min(i0 + 4, m - 1) * ars;
        int a5 = ao + Math.min(i0 + 5, m - 1) * ars;
        VectorMask<Float> tail = S.indexInRange(j0 + 1 * L, n);
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S);
        FloatVector c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S);
        FloatVector c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S);
        FloatVector c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S);
        FloatVector c51 = FloatVector.zero(S);
        int bp = bo + j0;
        for (int p = 0; p < k; p++, bp += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp + 0 * L);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + 1 * L, tail);
            int ap = p * acs;
            FloatVector x0 = FloatVector.broadcast(S, a[a0 + ap]);
            c00 = x0.fma(b0, c00);
            c01 = x0.fma(b1, c01);
            FloatVector x1 = FloatVector.broadcast(S, a[a1 + ap]);
            c10 = x1.fma(b0, c10);
            c11 = x1.fma(b1, c11);
            FloatVector x2 = FloatVector.broadcast(S, a[a2 + ap]);
            c20 = x2.fma(b0, c20);
            c21 = x2.fma(b1, c21);
            FloatVector x3 = FloatVector.broadcast(S, a[a3 + ap]);
            c30 = x3.fma(b0, c30);
            c31 = x3.fma(b1, c31);
            FloatVector x4 = FloatVector.broadcast(S, a[a4 + ap]);
            c40 = x4.fma(b0, c40);
            c41 = x4.fma(b1, c41);
            FloatVector x5 = FloatVector.broadcast(S, a[a5 + ap]);
            c50 = x5.fma(b0, c50);
            c51 = x5.fma(b1, c51);
        }
        int cp = co + i0 * ldc + j0;
        c00.intoArray(c, cp + 0 * ldc + 0 * L);
        c01.intoArray(c, cp + 0 * ldc + 1 * L, tail);
        if (rows > 1) {
            c10.intoArray(c, cp + 1 * ldc + 0 * L);
            c11.intoArray(c, cp + 1 * ldc + 1 * L, tail);
        }
        if (rows > 2) {
            c20.intoArray(c, cp + 2 * ldc + 0 * L);
            c21.intoArray(c, cp + 2 * ldc + 1 * L, tail);
        }
        if (rows > 3) {
            c30.intoArray(c, cp + 3 * ldc + 0 * L);
            c31.intoArray(c, cp + 3 * ldc + 1 * L, tail);
        }
        if (rows > 4) {
            c40.intoArray(c, cp + 4 * ldc + 0 * L);
            c41.intoArray(c, cp + 4 * ldc + 1 * L, tail);
        }
        if (rows > 5) {
            c50.intoArray(c, cp + 5 * ldc + 0 * L);
            c51.intoArray(c, cp + 5 * ldc + 1 * L, tail);
        }
    }

    /** Rows [i0, i0 + min(8, m - i0)) of C, columns [j0, j0 + 1L) (the last vector's lanes past n masked off). */
    private static void rows8x1(int m, int n, int k, float[] a, int ao, int ars, int acs, int i0,
                               float[] b, int bo, int ldb, int j0, float[] c, int co, int ldc) {
        int rows = Math.min(8, m - i0);
        int a0 = ao + Math.min(i0 + 0, m - 1) * ars;
        int a1 = ao + Math.min(i0 + 1, m - 1) * ars;
        int a2 = ao + Math.min(i0 + 2, m - 1) * ars;
        int a3 = ao + Math.min(i0 + 3, m - 1) * ars;
        int a4 = ao + Math.min(i0 + 4, m - 1) * ars;
        int a5 = ao + Math.min(i0 + 5, m - 1) * ars;
        int a6 = ao + Math.min(i0 + 6, m - 1) * ars;
        int a7 = ao + Math.min(i0 + 7, m - 1) * ars;
        VectorMask<Float> tail = S.indexInRange(j0 + 0 * L, n);
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S);
        int bp = bo + j0;
        for (int p = 0; p < k; p++, bp += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp + 0 * L, tail);
            int ap = p * acs;
            FloatVector x0 = FloatVector.broadcast(S, a[a0 + ap]);
            c00 = x0.fma(b0, c00);
            FloatVector x1 = FloatVector.broadcast(S, a[a1 + ap]);
            c10 = x1.fma(b0, c10);
            FloatVector x2 = FloatVector.broadcast(S, a[a2 + ap]);
            c20 = x2.fma(b0, c20);
            FloatVector x3 = FloatVector.broadcast(S, a[a3 + ap]);
            c30 = x3.fma(b0, c30);
            FloatVector x4 = FloatVector.broadcast(S, a[a4 + ap]);
            c40 = x4.fma(b0, c40);
            FloatVector x5 = FloatVector.broadcast(S, a[a5 + ap]);
            c50 = x5.fma(b0, c50);
            FloatVector x6 = FloatVector.broadcast(S, a[a6 + ap]);
            c60 = x6.fma(b0, c60);
            FloatVector x7 = FloatVector.broadcast(S, a[a7 + ap]);
            c70 = x7.fma(b0, c70);
        }
        int cp = co + i0 * ldc + j0;
        c00.intoArray(c, cp + 0 * ldc + 0 * L, tail);
        if (rows > 1) {
            c10.intoArray(c, cp + 1 * ldc + 0 * L, tail);
        }
        if (rows > 2) {
            c20.intoArray(c, cp + 2 * ldc + 0 * L, tail);
        }
        if (rows > 3) {
            c30.intoArray(c, cp + 3 * ldc + 0 * L, tail);
        }
        if (rows > 4) {
            c40.intoArray(c, cp + 4 * ldc + 0 * L, tail);
        }
        if (rows > 5) {
            c50.intoArray(c, cp + 5 * ldc + 0 * L, tail);
        }
        if (rows > 6) {
            c60.intoArray(c, cp + 6 * ldc + 0 * L, tail);
        }
        if (rows > 7) {
            c70.intoArray(c, cp + 7 * ldc + 0 * L, tail);
        }
    }
}
