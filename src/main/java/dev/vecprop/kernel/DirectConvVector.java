package dev.vecprop.kernel;

import dev.vecprop.simd.FloatSpecies;
import dev.vecprop.simd.Simd;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector form of {@link DirectConv}. One tile shape per register file: with 32 registers and 16 lanes
 * (AVX-512) the forward keeps 8 channels x 3 vectors of positions (24 accumulators, 3 loads and 8
 * broadcasts per 24 multiply-adds); otherwise (AVX2's 16 registers) 4 x 2, the shape whose 8
 * accumulators, operands and addresses fit without spilling. A row of positions ends in one-vector
 * tiles. The weight gradient and the bias sums are {@link DirectConvWeightGradVector}'s.
 */
final class DirectConvVector {
    private DirectConvVector() {}

    static final VectorSpecies<Float> S = FloatSpecies.SPECIES;
    static final int L = S.length();
    /** Whether the 32-register shapes are in use. */
    static final boolean WIDE = Simd.REGISTERS >= 32 && L >= 16;
    /** Forward tile: output channels. */
    static final int MR = WIDE ? 8 : 4;
    /** Forward tile: vectors of positions. */
    static final int NV = WIDE ? 3 : 2;
    static void forward(float[] wp, int wpo, int blocks, int k, float[] img, int io, int[] tap, int n,
                        float[] out, int oo, int ldo) {
        int nt = NV * L;
        int full = n - n % nt;
        for (int j0 = 0; j0 < full; j0 += nt) {
            for (int b = 0; b < blocks; b++) {
                int a = wpo + b * k * MR;
                int c = oo + b * MR * ldo;
                if (WIDE) f8x3(wp, a, k, img, io, tap, j0, out, c, ldo);
                else f4x2(wp, a, k, img, io, tap, j0, out, c, ldo);
            }
        }
        for (int j0 = full; j0 < n; j0 += L) {
            for (int b = 0; b < blocks; b++) {
                int a = wpo + b * k * MR;
                int c = oo + b * MR * ldo;
                if (WIDE) f8x1(wp, a, k, img, io, tap, j0, out, c, ldo);
                else f4x1(wp, a, k, img, io, tap, j0, out, c, ldo);
            }
        }
    }

    static void store(float[] out, int oo, int ldo, int rows, int pitch, int oh, int ow,
                      float[] bias, int bo, boolean relu, float[] y, int yo) {
        int full = ow - ow % L;
        FloatVector zero = FloatVector.zero(S);
        for (int o = 0; o < rows; o++) {
            FloatVector b = FloatVector.broadcast(S, bias == null ? 0f : bias[bo + o]);
            for (int p = 0; p < oh; p++) {
                int src = oo + o * ldo + p * pitch;
                int dst = yo + (o * oh + p) * ow;
                int q = 0;
                for (; q < full; q += L) {
                    FloatVector v = FloatVector.fromArray(S, out, src + q);
                    v = bias == null ? v : v.add(b);
                    (relu ? v.max(zero) : v).intoArray(y, dst + q);
                }
                if (q < ow) {
                    VectorMask<Float> m = S.indexInRange(q, ow);
                    FloatVector v = FloatVector.fromArray(S, out, src + q, m);
                    v = bias == null ? v : v.add(b);
                    (relu ? v.max(zero) : v).intoArray(y, dst + q, m);
                }
            }
        }
    }

    /** 8 output channels x 3 vector(s) of positions from {@code j0}. */
    private static void f8x3(float[] wp, int a, int k, float[] img, int io, int[] tap, int j0, float[] out, int oo, int ldo) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S), c42 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S), c52 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S), c62 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S), c72 = FloatVector.zero(S);
        for (int r = 0; r < k; r++, a += 8) {
            int x = io + tap[r] + j0;
            FloatVector b0 = FloatVector.fromArray(S, img, x);
            FloatVector b1 = FloatVector.fromArray(S, img, x + 1 * L);
            FloatVector b2 = FloatVector.fromArray(S, img, x + 2 * L);
            FloatVector w0 = FloatVector.broadcast(S, wp[a + 0]);
            c00 = w0.fma(b0, c00);
            c01 = w0.fma(b1, c01);
            c02 = w0.fma(b2, c02);
            FloatVector w1 = FloatVector.broadcast(S, wp[a + 1]);
            c10 = w1.fma(b0, c10);
            c11 = w1.fma(b1, c11);
            c12 = w1.fma(b2, c12);
            FloatVector w2 = FloatVector.broadcast(S, wp[a + 2]);
            c20 = w2.fma(b0, c20);
            c21 = w2.fma(b1, c21);
            c22 = w2.fma(b2, c22);
            FloatVector w3 = FloatVector.broadcast(S, wp[a + 3]);
            c30 = w3.fma(b0, c30);
            c31 = w3.fma(b1, c31);
            c32 = w3.fma(b2, c32);
            FloatVector w4 = FloatVector.broadcast(S, wp[a + 4]);
            c40 = w4.fma(b0, c40);
            c41 = w4.fma(b1, c41);
            c42 = w4.fma(b2, c42);
            FloatVector w5 = FloatVector.broadcast(S, wp[a + 5]);
            c50 = w5.fma(b0, c50);
            c51 = w5.fma(b1, c51);
            c52 = w5.fma(b2, c52);
            FloatVector w6 = FloatVector.broadcast(S, wp[a + 6]);
            c60 = w6.fma(b0, c60);
            c61 = w6.fma(b1, c61);
            c62 = w6.fma(b2, c62);
            FloatVector w7 = FloatVector.broadcast(S, wp[a + 7]);
            c70 = w7.fma(b0, c70);
            c71 = w7.fma(b1, c71);
            c72 = w7.fma(b2, c72);
        }
        c00.intoArray(out, oo + 0 * ldo + j0);
        c01.intoArray(out, oo + 0 * ldo + j0 + 1 * L);
        c02.intoArray(out, oo + 0 * ldo + j0 + 2 * L);
        c10.intoArray(out, oo + 1 * ldo + j0);
        c11.intoArray(out, oo + 1 * ldo + j0 + 1 * L);
        c12.intoArray(out, oo + 1 * ldo + j0 + 2 * L);
        c20.intoArray(out, oo + 2 * ldo + j0);
        c21.intoArray(out, oo + 2 * ldo + j0 + 1 * L);
        c22.intoArray(out, oo + 2 * ldo + j0 + 2 * L);
        c30.intoArray(out, oo + 3 * ldo + j0);
        c31.intoArray(out, oo + 3 * ldo + j0 + 1 * L);
        c32.intoArray(out, oo + 3 * ldo + j0 + 2 * L);
        c40.intoArray(out, oo + 4 * ldo + j0);
        c41.intoArray(out, oo + 4 * ldo + j0 + 1 * L);
        c42.intoArray(out, oo + 4 * ldo + j0 + 2 * L);
        c50.intoArray(out, oo + 5 * ldo + j0);
        c51.intoArray(out, oo + 5 * ldo + j0 + 1 * L);
        c52.intoArray(out, oo + 5 * ldo + j0 + 2 * L);
        c60.intoArray(out, oo + 6 * ldo + j0);
        c61.intoArray(out, oo + 6 * ldo + j0 + 1 * L);
        c62.intoArray(out, oo + 6 * ldo + j0 + 2 * L);
        c70.intoArray(out, oo + 7 * ldo + j0);
        c71.intoArray(out, oo + 7 * ldo + j0 + 1 * L);
        c72.intoArray(out, oo + 7 * ldo + j0 + 2 * L);
    }

    /** 8 output channels x 1 vector(s) of positions from {@code j0}. */
    private static void f8x1(float[] wp, int a, int k, float[] img, int io, int[] tap, int j0, float[] out, int oo, int ldo) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S);
        for (int r = 0; r < k; r++, a += 8) {
            int x = io + tap[r] + j0;
            FloatVector b0 = FloatVector.fromArray(S, img, x);
            FloatVector w0 = FloatVector.broadcast(S, wp[a + 0]);
            c00 = w0.fma(b0, c00);
            FloatVector w1 = FloatVector.broadcast(S, wp[a + 1]);
            c10 = w1.fma(b0, c10);
            FloatVector w2 = FloatVector.broadcast(S, wp[a + 2]);
            c20 = w2.fma(b0, c20);
            FloatVector w3 = FloatVector.broadcast(S, wp[a + 3]);
            c30 = w3.fma(b0, c30);
            FloatVector w4 = FloatVector.broadcast(S, wp[a + 4]);
            c40 = w4.fma(b0, c40);
            FloatVector w5 = FloatVector.broadcast(S, wp[a + 5]);
            c50 = w5.fma(b0, c50);
            FloatVector w6 = FloatVector.broadcast(S, wp[a + 6]);
            c60 = w6.fma(b0, c60);
            FloatVector w7 = FloatVector.broadcast(S, wp[a + 7]);
            c70 = w7.fma(b0, c70);
        }
        c00.intoArray(out, oo + 0 * ldo + j0);
        c10.intoArray(out, oo + 1 * ldo + j0);
        c20.intoArray(out, oo + 2 * ldo + j0);
        c30.intoArray(out, oo + 3 * ldo + j0);
        c40.intoArray(out, oo + 4 * ldo + j0);
        c50.intoArray(out, oo + 5 * ldo + j0);
        c60.intoArray(out, oo + 6 * ldo + j0);
        c70.intoArray(out, oo + 7 * ldo + j0);
    }

    /** 4 output channels x 2 vector(s) of positions from {@code j0}. */
    private static void f4x2(float[] wp, int a, int k, float[] img, int io, int[] tap, int j0, float[] out, int oo, int ldo) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        for (int r = 0; r < k; r++, a += 4) {
            int x = io + tap[r] + j0;
            FloatVector b0 = FloatVector.fromArray(S, img, x);
            FloatVector b1 = FloatVector.fromArray(S, img, x + 1 * L);
            FloatVector w0 = FloatVector.broadcast(S, wp[a + 0]);
            c00 = w0.fma(b0, c00);
            c01 = w0.fma(b1, c01);
            FloatVector w1 = FloatVector.broadcast(S, wp[a + 1]);
            c10 = w1.fma(b0, c10);
            c11 = w1.fma(b1, c11);
            FloatVector w2 = FloatVector.broadcast(S, wp[a + 2]);
            c20 = w2.fma(b0, c20);
            c21 = w2.fma(b1, c21);
            FloatVector w3 = FloatVector.broadcast(S, wp[a + 3]);
            c30 = w3.fma(b0, c30);
            c31 = w3.fma(b1, c31);
        }
        c00.intoArray(out, oo + 0 * ldo + j0);
        c01.intoArray(out, oo + 0 * ldo + j0 + 1 * L);
        c10.intoArray(out, oo + 1 * ldo + j0);
        c11.intoArray(out, oo + 1 * ldo + j0 + 1 * L);
        c20.intoArray(out, oo + 2 * ldo + j0);
        c21.intoArray(out, oo + 2 * ldo + j0 + 1 * L);
        c30.intoArray(out, oo + 3 * ldo + j0);
        c31.intoArray(out, oo + 3 * ldo + j0 + 1 * L);
    }

    /** 4 output channels x 1 vector(s) of positions from {@code j0}. */
    private static void f4x1(float[] wp, int a, int k, float[] img, int io, int[] tap, int j0, float[] out, int oo, int ldo) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S);
        for (int r = 0; r < k; r++, a += 4) {
            int x = io + tap[r] + j0;
            FloatVector b0 = FloatVector.fromArray(S, img, x);
            FloatVector w0 = FloatVector.broadcast(S, wp[a + 0]);
            c00 = w0.fma(b0, c00);
            FloatVector w1 = FloatVector.broadcast(S, wp[a + 1]);
            c10 = w1.fma(b0, c10);
            FloatVector w2 = FloatVector.broadcast(S, wp[a + 2]);
            c20 = w2.fma(b0, c20);
            FloatVector w3 = FloatVector.broadcast(S, wp[a + 3]);
            c30 = w3.fma(b0, c30);
        }
        c00.intoArray(out, oo + 0 * ldo + j0);
        c10.intoArray(out, oo + 1 * ldo + j0);
        c20.intoArray(out, oo + 2 * ldo + j0);
        c30.intoArray(out, oo + 3 * ldo + j0);
    }
}
