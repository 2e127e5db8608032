package dev.vecprop.kernel;

import dev.vecprop.simd.GemmTiling;

/** Scalar twin of {@link ConvColumns}: the definition, and the path without the Vector API. */
public final class ConvColumnsRef {
    private ConvColumnsRef() {}

    private static final int NR = GemmTiling.NR;

    public static void packByPosition(float[] img, int base, int[] tap, int[] pos, int n,
                                      int p0, int kc, int j0, int nc, float[] dst) {
        for (int jr = 0; jr < nc; jr += NR) {
            int d = (jr / NR) * kc * NR;
            for (int p = 0; p < kc; p++) {
                int row = base + tap[p0 + p];
                for (int t = 0; t < NR; t++) {
                    int q = j0 + jr + t;
                    dst[d + p * NR + t] = jr + t < nc && q < n ? img[row + pos[q]] : 0f;
                }
            }
        }
    }

    public static void packByTap(float[] img, int base, int[] tap, int[] pos, int k,
                                 int p0, int kc, int j0, int nc, float[] dst) {
        for (int jr = 0; jr < nc; jr += NR) {
            int d = (jr / NR) * kc * NR;
            for (int p = 0; p < kc; p++) {
                int at = base + pos[p0 + p];
                for (int t = 0; t < NR; t++) {
                    int r = j0 + jr + t;
                    dst[d + p * NR + t] = jr + t < nc && r < k ? img[at + tap[r]] : 0f;
                }
            }
        }
    }
}
