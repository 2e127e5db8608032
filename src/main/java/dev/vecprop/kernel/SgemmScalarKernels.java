package dev.vecprop.kernel;

import dev.vecprop.simd.GemmTiling;

/**
 * Scalar micro-kernel, tile merge and epilogue of {@link Sgemm}: the path taken when the Vector API
 * is unavailable or {@code -Dvecprop.vectorBits=0}. Same packing, blocking and store rule as the
 * vector kernels, so the width-0 tests exercise the whole driver.
 */
final class SgemmScalarKernels {
    private SgemmScalarKernels() {}

    private static final int MR = GemmTiling.MR;
    private static final int NR = GemmTiling.NR;

    /** Like {@link SgemmVectorKernels#micro}, with {@code acc} (MR*NR floats) as the accumulator grid. */
    static void micro(int kc, float[] a, int ao, float[] b, int bo, float[] c, int co, int ldc, float beta,
                      float[] acc) {
        java.util.Arrays.fill(acc, 0, MR * NR, 0f);
        for (int p = 0; p < kc; p++) {
            for (int i = 0; i < MR; i++) {
                float ai = a[ao + i];
                int r = i * NR;
                for (int j = 0; j < NR; j++) {
                    acc[r + j] = Math.fma(ai, b[bo + j], acc[r + j]);
                }
            }
            ao += MR;
            bo += NR;
        }
        merge(acc, MR, NR, c, co, ldc, beta);
    }

    /** Stores the {@code mv x nv} corner of an accumulator tile (row stride NR) into C by the store rule. */
    static void merge(float[] t, int mv, int nv, float[] c, int co, int ldc, float beta) {
        for (int i = 0; i < mv; i++) {
            mergeRow(t, i * NR, nv, c, co + i * ldc, beta);
        }
    }

    /** One row of {@link #merge}: {@code t[to..to+nv)} into {@code c[co..)}. */
    static void mergeRow(float[] t, int to, int nv, float[] c, int co, float beta) {
        for (int j = 0; j < nv; j++) {
            float acc = t[to + j];
            if (beta == 0f) {
                c[co + j] = acc;
            } else if (beta == 1f) {
                c[co + j] = acc + c[co + j];
            } else {
                c[co + j] = Math.fma(c[co + j], beta, acc);
            }
        }
    }

    /** Scalar form of {@link SgemmVectorKernels#epilogue}. */
    static void epilogue(Epilogue ep, float[] c, int co, int ldc, int i0, int j0, int mv, int nv) {
        for (int i = 0; i < mv; i++) {
            int row = co + i * ldc;
            for (int j = 0; j < nv; j++) {
                c[row + j] = ep.apply(c[row + j], i0 + i, j0 + j);
            }
        }
    }
}
