package dev.vecprop.kernel;

import dev.vecprop.simd.FloatSpecies;
import dev.vecprop.simd.GemmTiling;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector form of {@link ConvColumns}. A panel is NR = NV vectors wide; each vector-wide slice is
 * filled by one load when its L offsets are consecutive (stride-1 positions inside one output
 * row), by one gather otherwise, and element by element only at the ragged end of the matrix.
 */
final class ConvColumnsVector {
    private ConvColumnsVector() {}

    private static final VectorSpecies<Float> S = FloatSpecies.SPECIES;
    private static final int L = S.length();
    private static final int NR = GemmTiling.NR;

    private static boolean consecutive(int[] off, int at) {
        int first = off[at];
        for (int t = 1; t < L; t++) {
            if (off[at + t] != first + t) {
                return false;
            }
        }
        return true;
    }

    static void packByPosition(float[] img, int base, int[] tap, int[] pos, int n,
                               int p0, int kc, int j0, int nc, float[] dst) {
        for (int jr = 0; jr < nc; jr += NR) {
            int d = (jr / NR) * kc * NR;
            for (int v = 0; v < NR; v += L) {
                int q = j0 + jr + v;
                int dv = d + v;
                if (jr + v + L <= nc && q + L <= n) {
                    if (consecutive(pos, q)) {
                        int at = base + pos[q];
                        for (int p = 0; p < kc; p++) {
                            FloatVector.fromArray(S, img, at + tap[p0 + p]).intoArray(dst, dv + p * NR);
                        }
                    } else {
                        for (int p = 0; p < kc; p++) {
                            FloatVector.fromArray(S, img, base + tap[p0 + p], pos, q).intoArray(dst, dv + p * NR);
                        }
                    }
                } else {
                    for (int p = 0; p < kc; p++) {
                        int row = base + tap[p0 + p];
                        for (int t = 0; t < L; t++) {
                            dst[dv + p * NR + t] = jr + v + t < nc && q + t < n ? img[row + pos[q + t]] : 0f;
                        }
                    }
                }
            }
        }
    }

    static void packByTap(float[] img, int base, int[] tap, int[] pos, int k,
                          int p0, int kc, int j0, int nc, float[] dst) {
        for (int jr = 0; jr < nc; jr += NR) {
            int d = (jr / NR) * kc * NR;
            for (int v = 0; v < NR; v += L) {
                int r = j0 + jr + v;
                int dv = d + v;
                if (jr + v + L <= nc && r + L <= k) {
                    if (consecutive(tap, r)) {
                        int at = base + tap[r];
                        for (int p = 0; p < kc; p++) {
                            FloatVector.fromArray(S, img, at + pos[p0 + p]).intoArray(dst, dv + p * NR);
                        }
                    } else {
                        for (int p = 0; p < kc; p++) {
                            FloatVector.fromArray(S, img, base + pos[p0 + p], tap, r).intoArray(dst, dv + p * NR);
                        }
                    }
                } else {
                    for (int p = 0; p < kc; p++) {
                        int at = base + pos[p0 + p];
                        for (int t = 0; t < L; t++) {
                            dst[dv + p * NR + t] = jr + v + t < nc && r + t < k ? img[at + tap[r + t]] : 0f;
                        }
                    }
                }
            }
        }
    }
}
