package dev.vecprop.kernel;

import dev.vecprop.simd.FloatSpecies;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector form of {@link DirectConv}'s weight gradient and bias sums, one tile shape per register
 * file: with 32 registers and 16 lanes (AVX-512) 6 taps x 4 vectors of output channels, or, for a
 * group of at most 16 output channels, 25 taps x 1 vector (the 4-vector tile would be three quarters
 * padding); otherwise (AVX2's 16 registers) 4 taps x 2 vectors. A block of taps past the last tap
 * repeats the last tap's address and drops those sums. Split from {@link DirectConvVector} (the
 * forward tiles) by concern.
 */
final class DirectConvWeightGradVector {
    private DirectConvWeightGradVector() {}

    private static final VectorSpecies<Float> S = FloatSpecies.SPECIES;
    private static final int L = S.length();
    private static final boolean WIDE = DirectConvVector.WIDE;
    /** Weight-gradient tile: taps. */
    static final int MT = WIDE ? 6 : 4;
    /** Weight-gradient tile: vectors of output channels. */
    static final int VT = WIDE ? 4 : 2;
    /** Weight-gradient tile: output channels. */
    static final int OT = VT * L;
    /** Narrow weight-gradient tile (32 registers, at most L output channels): taps, x 1 vector of channels. */
    static final int NT = 25;

    static void columnSums(float[] t, int to, int rows, int ldt, float[] sums, int so) {
        if (ldt == L) { // the narrow tile's single vector of channels
            FloatVector s0 = FloatVector.fromArray(S, sums, so);
            for (int r = 0; r < rows; r++) {
                s0 = s0.add(FloatVector.fromArray(S, t, to + r * ldt));
            }
            s0.intoArray(sums, so);
            return;
        }
        for (int o = 0; o < ldt; o += 2 * L) { // ldt is a multiple of OT, itself of 2L
            FloatVector s0 = FloatVector.fromArray(S, sums, so + o);
            FloatVector s1 = FloatVector.fromArray(S, sums, so + o + L);
            for (int r = 0; r < rows; r++) {
                int row = to + r * ldt + o;
                s0 = s0.add(FloatVector.fromArray(S, t, row));
                s1 = s1.add(FloatVector.fromArray(S, t, row + L));
            }
            s0.intoArray(sums, so + o);
            s1.intoArray(sums, so + o + L);
        }
    }

    static void weightGrad(float[] img, int io, int pitch, int[] tap, int r0, int r1, float[] dyt, int dto,
                           int ldt, int oh, int ow, float[] dwt, int dwo) {
        if (WIDE && ldt == L) {
            for (int r = r0; r < r1; r += NT) {
                w25x1(img, io, pitch, tap, r, r1, dyt, dto, ldt, oh, ow, dwt, dwo);
            }
            return;
        }
        for (int r = r0; r < r1; r += MT) {
            for (int o0 = 0; o0 < ldt; o0 += OT) {
                if (WIDE) w6x4(img, io, pitch, tap, r, r1, dyt, dto, ldt, o0, oh, ow, dwt, dwo);
                else w4x2(img, io, pitch, tap, r, r1, dyt, dto, ldt, o0, oh, ow, dwt, dwo);
            }
        }
    }

    /**
     * Taps {@code r, r+1, ..} (25, the last {@code r1 - r} of them real) x 1 vector of channels: the tile of a
     * layer of at most L output channels (LeNet's 6 and 16), whose 4-vector tile would be three quarters padding.
     * 32 registers only: 25 accumulators, the gradient vector and a broadcast.
     */
    private static void w25x1(float[] img, int io, int pitch, int[] tap, int r, int r1, float[] dyt, int dto, int ldt,
                              int oh, int ow, float[] dwt, int dwo) {
        int t0 = tap[Math.min(r + 0, r1 - 1)];
        int t1 = tap[Math.min(r + 1, r1 - 1)];
        int t2 = tap[Math.min(r + 2, r1 - 1)];
        int t3 = tap[Math.min(r + 3, r1 - 1)];
        int t4 = tap[Math.min(r + 4, r1 - 1)];
        int t5 = tap[Math.min(r + 5, r1 - 1)];
        int t6 = tap[Math.min(r + 6, r1 - 1)];
        int t7 = tap[Math.min(r + 7, r1 - 1)];
        int t8 = tap[Math.min(r + 8, r1 - 1)];
        int t9 = tap[Math.min(r + 9, r1 - 1)];
        int t10 = tap[Math.min(r + 10, r1 - 1)];
        int t11 = tap[Math.min(r + 11, r1 - 1)];
        int t12 = tap[Math.min(r + 12, r1 - 1)];
        int t13 = tap[Math.min(r + 13, r1 - 1)];
        int t14 = tap[Math.min(r + 14, r1 - 1)];
        int t15 = tap[Math.min(r + 15, r1 - 1)];
        int t16 = tap[Math.min(r + 16, r1 - 1)];
        int t17 = tap[Math.min(r + 17, r1 - 1)];
        int t18 = tap[Math.min(r + 18, r1 - 1)];
        int t19 = tap[Math.min(r + 19, r1 - 1)];
        int t20 = tap[Math.min(r + 20, r1 - 1)];
        int t21 = tap[Math.min(r + 21, r1 - 1)];
        int t22 = tap[Math.min(r + 22, r1 - 1)];
        int t23 = tap[Math.min(r + 23, r1 - 1)];
        int t24 = tap[Math.min(r + 24, r1 - 1)];
        FloatVector c0 = FloatVector.zero(S);
        FloatVector c1 = FloatVector.zero(S);
        FloatVector c2 = FloatVector.zero(S);
        FloatVector c3 = FloatVector.zero(S);
        FloatVector c4 = FloatVector.zero(S);
        FloatVector c5 = FloatVector.zero(S);
        FloatVector c6 = FloatVector.zero(S);
        FloatVector c7 = FloatVector.zero(S);
        FloatVector c8 = FloatVector.zero(S);
        FloatVector c9 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c11 = FloatVector.zero(S);
        FloatVector c12 = FloatVector.zero(S);
        FloatVector c13 = FloatVector.zero(S);
        FloatVector c14 = FloatVector.zero(S);
        FloatVector c15 = FloatVector.zero(S);
        FloatVector c16 = FloatVector.zero(S);
        FloatVector c17 = FloatVector.zero(S);
        FloatVector c18 = FloatVector.zero(S);
        FloatVector c19 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S);
        FloatVector c21 = FloatVector.zero(S);
        FloatVector c22 = FloatVector.zero(S);
        FloatVector c23 = FloatVector.zero(S);
        FloatVector c24 = FloatVector.zero(S);
        for (int p = 0; p < oh; p++) {
            int xr = io + p * pitch;
            int dr = dto + p * ow * ldt;
            for (int q = 0; q < ow; q++) {
                int x = xr + q;
                FloatVector g = FloatVector.fromArray(S, dyt, dr + q * ldt);
                c0 = FloatVector.broadcast(S, img[x + t0]).fma(g, c0);
                c1 = FloatVector.broadcast(S, img[x + t1]).fma(g, c1);
                c2 = FloatVector.broadcast(S, img[x + t2]).fma(g, c2);
                c3 = FloatVector.broadcast(S, img[x + t3]).fma(g, c3);
                c4 = FloatVector.broadcast(S, img[x + t4]).fma(g, c4);
                c5 = FloatVector.broadcast(S, img[x + t5]).fma(g, c5);
                c6 = FloatVector.broadcast(S, img[x + t6]).fma(g, c6);
                c7 = FloatVector.broadcast(S, img[x + t7]).fma(g, c7);
                c8 = FloatVector.broadcast(S, img[x + t8]).fma(g, c8);
                c9 = FloatVector.broadcast(S, img[x + t9]).fma(g, c9);
                c10 = FloatVector.broadcast(S, img[x + t10]).fma(g, c10);
                c11 = FloatVector.broadcast(S, img[x + t11]).fma(g, c11);
                c12 = FloatVector.broadcast(S, img[x + t12]).fma(g, c12);
                c13 = FloatVector.broadcast(S, img[x + t13]).fma(g, c13);
                c14 = FloatVector.broadcast(S, img[x + t14]).fma(g, c14);
                c15 = FloatVector.broadcast(S, img[x + t15]).fma(g, c15);
                c16 = FloatVector.broadcast(S, img[x + t16]).fma(g, c16);
                c17 = FloatVector.broadcast(S, img[x + t17]).fma(g, c17);
                c18 = FloatVector.broadcast(S, img[x + t18]).fma(g, c18);
                c19 = FloatVector.broadcast(S, img[x + t19]).fma(g, c19);
                c20 = FloatVector.broadcast(S, img[x + t20]).fma(g, c20);
                c21 = FloatVector.broadcast(S, img[x + t21]).fma(g, c21);
                c22 = FloatVector.broadcast(S, img[x + t22]).fma(g, c22);
                c23 = FloatVector.broadcast(S, img[x + t23]).fma(g, c23);
                c24 = FloatVector.broadcast(S, img[x + t24]).fma(g, c24);
            }
        }
        int n = r1 - r;
        int d = dwo + r * ldt;
        FloatVector.fromArray(S, dwt, d + 0 * ldt).add(c0).intoArray(dwt, d + 0 * ldt);
        if (n > 1) FloatVector.fromArray(S, dwt, d + 1 * ldt).add(c1).intoArray(dwt, d + 1 * ldt);
        if (n > 2) FloatVector.fromArray(S, dwt, d + 2 * ldt).add(c2).intoArray(dwt, d + 2 * ldt);
        if (n > 3) FloatVector.fromArray(S, dwt, d + 3 * ldt).add(c3).intoArray(dwt, d + 3 * ldt);
        if (n > 4) FloatVector.fromArray(S, dwt, d + 4 * ldt).add(c4).intoArray(dwt, d + 4 * ldt);
        if (n > 5) FloatVector.fromArray(S, dwt, d + 5 * ldt).add(c5).intoArray(dwt, d + 5 * ldt);
        if (n > 6) FloatVector.fromArray(S, dwt, d + 6 * ldt).add(c6).intoArray(dwt, d + 6 * ldt);
        if (n > 7) FloatVector.fromArray(S, dwt, d + 7 * ldt).add(c7).intoArray(dwt, d + 7 * ldt);
        if (n > 8) FloatVector.fromArray(S, dwt, d + 8 * ldt).add(c8).intoArray(dwt, d + 8 * ldt);
        if (n > 9) FloatVector.fromArray(S, dwt, d + 9 * ldt).add(c9).intoArray(dwt, d + 9 * ldt);
        if (n > 10) FloatVector.fromArray(S, dwt, d + 10 * ldt).add(c10).intoArray(dwt, d + 10 * ldt);
        if (n > 11) FloatVector.fromArray(S, dwt, d + 11 * ldt).add(c11).intoArray(dwt, d + 11 * ldt);
        if (n > 12) FloatVector.fromArray(S, dwt, d + 12 * ldt).add(c12).intoArray(dwt, d + 12 * ldt);
        if (n > 13) FloatVector.fromArray(S, dwt, d + 13 * ldt).add(c13).intoArray(dwt, d + 13 * ldt);
        if (n > 14) FloatVector.fromArray(S, dwt, d + 14 * ldt).add(c14).intoArray(dwt, d + 14 * ldt);
        if (n > 15) FloatVector.fromArray(S, dwt, d + 15 * ldt).add(c15).intoArray(dwt, d + 15 * ldt);
        if (n > 16) FloatVector.fromArray(S, dwt, d + 16 * ldt).add(c16).intoArray(dwt, d + 16 * ldt);
        if (n > 17) FloatVector.fromArray(S, dwt, d + 17 * ldt).add(c17).intoArray(dwt, d + 17 * ldt);
        if (n > 18) FloatVector.fromArray(S, dwt, d + 18 * ldt).add(c18).intoArray(dwt, d + 18 * ldt);
        if (n > 19) FloatVector.fromArray(S, dwt, d + 19 * ldt).add(c19).intoArray(dwt, d + 19 * ldt);
        if (n > 20) FloatVector.fromArray(S, dwt, d + 20 * ldt).add(c20).intoArray(dwt, d + 20 * ldt);
        if (n > 21) FloatVector.fromArray(S, dwt, d + 21 * ldt).add(c21).intoArray(dwt, d + 21 * ldt);
        if (n > 22) FloatVector.fromArray(S, dwt, d + 22 * ldt).add(c22).intoArray(dwt, d + 22 * ldt);
        if (n > 23) FloatVector.fromArray(S, dwt, d + 23 * ldt).add(c23).intoArray(dwt, d + 23 * ldt);
        if (n > 24) FloatVector.fromArray(S, dwt, d + 24 * ldt).add(c24).intoArray(dwt, d + 24 * ldt);
    }

    /** Taps {@code r, r+1, ..} (6, the last {@code r1 - r} of them real) x 4 vectors of channels from {@code o0}. */
    private static void w6x4(float[] img, int io, int pitch, int[] tap, int r, int r1, float[] dyt, int dto, int ldt, int o0,
                               int oh, int ow, float[] dwt, int dwo) {
        int t0 = tap[Math.min(r + 0, r1 - 1)];
        int t1 = tap[Math.min(r + 1, r1 - 1)];
        int t2 = tap[Math.min(r + 2, r1 - 1)];
        int t3 = tap[Math.min(r + 3, r1 - 1)];
        int t4 = tap[Math.min(r + 4, r1 - 1)];
        int t5 = tap[Math.min(r + 5, r1 - 1)];
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S), c03 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S), c13 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S), c23 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S), c33 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S), c42 = FloatVector.zero(S), c43 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S), c52 = FloatVector.zero(S), c53 = FloatVector.zero(S);
        for (int p = 0; p < oh; p++) {
            int xr = io + p * pitch;
            int dr = dto + p * ow * ldt + o0;
            for (int q = 0; q < ow; q++) {
                int x = xr + q;
                int d = dr + q * ldt;
                FloatVector g0 = FloatVector.fromArray(S, dyt, d);
                FloatVector g1 = FloatVector.fromArray(S, dyt, d + 1 * L);
                FloatVector g2 = FloatVector.fromArray(S, dyt, d + 2 * L);
                FloatVector g3 = FloatVector.fromArray(S, dyt, d + 3 * L);
                FloatVector a0 = FloatVector.broadcast(S, img[x + t0]);
                c00 = a0.fma(g0, c00);
                c01 = a0.fma(g1, c01);
                c02 = a0.fma(g2, c02);
                c03 = a0.fma(g3, c03);
                FloatVector a1 = FloatVector.broadcast(S, img[x + t1]);
                c10 = a1.fma(g0, c10);
                c11 = a1.fma(g1, c11);
                c12 = a1.fma(g2, c12);
                c13 = a1.fma(g3, c13);
                FloatVector a2 = FloatVector.broadcast(S, img[x + t2]);
                c20 = a2.fma(g0, c20);
                c21 = a2.fma(g1, c21);
                c22 = a2.fma(g2, c22);
                c23 = a2.fma(g3, c23);
                FloatVector a3 = FloatVector.broadcast(S, img[x + t3]);
                c30 = a3.fma(g0, c30);
                c31 = a3.fma(g1, c31);
                c32 = a3.fma(g2, c32);
                c33 = a3.fma(g3, c33);
                FloatVector a4 = FloatVector.broadcast(S, img[x + t4]);
                c40 = a4.fma(g0, c40);
                c41 = a4.fma(g1, c41);
                c42 = a4.fma(g2, c42);
                c43 = a4.fma(g3, c43);
                FloatVector a5 = FloatVector.broadcast(S, img[x + t5]);
                c50 = a5.fma(g0, c50);
                c51 = a5.fma(g1, c51);
                c52 = a5.fma(g2, c52);
                c53 = a5.fma(g3, c53);
            }
        }
        int n = r1 - r;
        {
            int d = dwo + (r + 0) * ldt + o0;
            FloatVector.fromArray(S, dwt, d).add(c00).intoArray(dwt, d);
            FloatVector.fromArray(S, dwt, d + 1 * L).add(c01).intoArray(dwt, d + 1 * L);
            FloatVector.fromArray(S, dwt, d + 2 * L).add(c02).intoArray(dwt, d + 2 * L);
            FloatVector.fromArray(S, dwt, d + 3 * L).add(c03).intoArray(dwt, d + 3 * L);
        }
        if (n > 1) {
            int d = dwo + (r + 1) * ldt + o0;
            FloatVector.fromArray(S, dwt, d).add(c10).intoArray(dwt, d);
            FloatVector.fromArray(S, dwt, d + 1 * L).add(c11).intoArray(dwt, d + 1 * L);
            FloatVector.fromArray(S, dwt, d + 2 * L).add(c12).intoArray(dwt, d + 2 * L);
            FloatVector.fromArray(S, dwt, d + 3 * L).add(c13).intoArray(dwt, d + 3 * L);
        }
        if (n > 2) {
            int d = dwo + (r + 2) * ldt + o0;
            FloatVector.fromArray(S, dwt, d).add(c20).intoArray(dwt, d);
            FloatVector.fromArray(S, dwt, d + 1 * L).add(c21).intoArray(dwt, d + 1 * L);
            FloatVector.fromArray(S, dwt, d + 2 * L).add(c22).intoArray(dwt, d + 2 * L);
            FloatVector.fromArray(S, dwt, d + 3 * L).add(c23).intoArray(dwt, d + 3 * L);
        }
        if (n > 3) {
            int d = dwo + (r + 3) * ldt + o0;
            FloatVector.fromArray(S, dwt, d).add(c30).intoArray(dwt, d);
            FloatVector.fromArray(S, dwt, d + 1 * L).add(c31).intoArray(dwt, d + 1 * L);
            FloatVector.fromArray(S, dwt, d + 2 * L).add(c32).intoArray(dwt, d + 2 * L);
            FloatVector.fromArray(S, dwt, d + 3 * L).add(c33).intoArray(dwt, d + 3 * L);
        }
        if (n > 4) {
            int d = dwo + (r + 4) * ldt + o0;
            FloatVector.fromArray(S, dwt, d).add(c40).intoArray(dwt, d);
            FloatVector.fromArray(S, dwt, d + 1 * L).add(c41).intoArray(dwt, d + 1 * L);
            FloatVector.fromArray(S, dwt, d + 2 * L).add(c42).intoArray(dwt, d + 2 * L);
            FloatVector.fromArray(S, dwt, d + 3 * L).add(c43).intoArray(dwt, d + 3 * L);
        }
        if (n > 5) {
            int d = dwo + (r + 5) * ldt + o0;
            FloatVector.fromArray(S, dwt, d).add(c50).intoArray(dwt, d);
            FloatVector.fromArray(S, dwt, d + 1 * L).add(c51).intoArray(dwt, d + 1 * L);
            FloatVector.fromArray(S, dwt, d + 2 * L).add(c52).intoArray(dwt, d + 2 * L);
            FloatVector.fromArray(S, dwt, d + 3 * L).add(c53).intoArray(dwt, d + 3 * L);
        }
    }

    /** Taps {@code r, r+1, ..} (4, the last {@code r1 - r} of them real) x 2 vectors of channels from {@code o0}. */
    private static void w4x2(float[] img, int io, int pitch, int[] tap, int r, int r1, float[] dyt, int dto, int ldt, int o0,
                               int oh, int ow, float[] dwt, int dwo) {
        int t0 = tap[Math.min(r + 0, r1 - 1)];
        int t1 = tap[Math.min(r + 1, r1 - 1)];
        int t2 = tap[Math.min(r + 2, r1 - 1)];
        int t3 = tap[Math.min(r + 3, r1 - 1)];
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        for (int p = 0; p < oh; p++) {
            int xr = io + p * pitch;
            int dr = dto + p * ow * ldt + o0;
            for (int q = 0; q < ow; q++) {
                int x = xr + q;
                int d = dr + q * ldt;
                FloatVector g0 = FloatVector.fromArray(S, dyt, d);
                FloatVector g1 = FloatVector.fromArray(S, dyt, d + 1 * L);
                FloatVector a0 = FloatVector.broadcast(S, img[x + t0]);
                c00 = a0.fma(g0, c00);
                c01 = a0.fma(g1, c01);
                FloatVector a1 = FloatVector.broadcast(S, img[x + t1]);
                c10 = a1.fma(g0, c10);
                c11 = a1.fma(g1, c11);
                FloatVector a2 = FloatVector.broadcast(S, img[x + t2]);
                c20 = a2.fma(g0, c20);
                c21 = a2.fma(g1, c21);
                FloatVector a3 = FloatVector.broadcast(S, img[x + t3]);
                c30 = a3.fma(g0, c30);
                c31 = a3.fma(g1, c31);
            }
        }
        int n = r1 - r;
        {
            int d = dwo + (r + 0) * ldt + o0;
            FloatVector.fromArray(S, dwt, d).add(c00).intoArray(dwt, d);
            FloatVector.fromArray(S, dwt, d + 1 * L).add(c01).intoArray(dwt, d + 1 * L);
        }
        if (n > 1) {
            int d = dwo + (r + 1) * ldt + o0;
            FloatVector.fromArray(S, dwt, d).add(c10).intoArray(dwt, d);
            FloatVector.fromArray(S, dwt, d + 1 * L).add(c11).intoArray(dwt, d + 1 * L);
        }
        if (n > 2) {
            int d = dwo + (r + 2) * ldt + o0;
            FloatVector.fromArray(S, dwt, d).add(c20).intoArray(dwt, d);
            FloatVector.fromArray(S, dwt, d + 1 * L).add(c21).intoArray(dwt, d + 1 * L);
        }
        if (n > 3) {
            int d = dwo + (r + 3) * ldt + o0;
            FloatVector.fromArray(S, dwt, d).add(c30).intoArray(dwt, d);
            FloatVector.fromArray(S, dwt, d + 1 * L).add(c31).intoArray(dwt, d + 1 * L);
        }
    }
}
