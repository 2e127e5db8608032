package dev.vecprop.kernel;

import dev.vecprop.simd.FloatSpecies;
import dev.vecprop.simd.GemmTiling;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector micro-kernels of {@link Sgemm}: an {@code MR x NV} grid of accumulator vectors held in
 * locals, fed by one broadcast of A and {@code NV} loads of B per step of k (an outer product).
 * Operands are packed and zero-padded, so no kernel needs a mask. One kernel per tile shape in
 * {@link GemmTiling#VECTOR_TILES}; the {@code static final} shape folds the dispatch away.
 * Only loaded when the Vector API is enabled.
 *
 * <p>Store rule ({@code beta}): 0 stores the accumulators, 1 adds them to C,
 * anything else computes {@code fma(c, beta, acc)}; {@link SgemmScalarKernels#merge} is the
 * scalar form of the same rule.
 *
 * <p>The kernels below are regular by design: one per tile shape, written out so that every
 * accumulator is a local the JIT can keep in a register.
 */
final class SgemmVectorKernels {
    private SgemmVectorKernels() {}

    static final VectorSpecies<Float> S = FloatSpecies.SPECIES;
    static final int L = S.length();
    private static final int MR = GemmTiling.MR;
    private static final int NV = GemmTiling.NV;
    private static final int NR = GemmTiling.NR;
    private static final int SHAPE = MR * 100 + NV;

    /** C tile (MR x NR at c[co], row stride ldc) = A panel (kc x MR) times B panel (kc x NR), per the store rule. */
    static void micro(int kc, float[] a, int ao, float[] b, int bo, float[] c, int co, int ldc, float beta) {
        switch (SHAPE) {
            case 402 -> k4x2(kc, a, ao, b, bo, c, co, ldc, beta);
            case 602 -> k6x2(kc, a, ao, b, bo, c, co, ldc, beta);
            default -> throw new IllegalStateException("no micro-kernel for tile " + MR + "x" + NV);
        }
    }

    static void k4x2(int kc, float[] a, int ao, float[] b, int bo, float[] c, int co, int ldc, float beta) {
        FloatVector c0_0 = FloatVector.zero(S), c0_1 = FloatVector.zero(S);
        FloatVector c1_0 = FloatVector.zero(S), c1_1 = FloatVector.zero(S);
        FloatVector c2_0 = FloatVector.zero(S), c2_1 = FloatVector.zero(S);
        FloatVector c3_0 = FloatVector.zero(S), c3_1 = FloatVector.zero(S);
        final int nr = 2 * L;
        for (int p = 0; p < kc; p++) {
            int bp = bo + p * nr;
            int ap = ao + p * 4;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector a0 = FloatVector.broadcast(S, a[ap]);
            c0_0 = a0.fma(b0, c0_0); c0_1 = a0.fma(b1, c0_1);
            FloatVector a1 = FloatVector.broadcast(S, a[ap + 1]);
            c1_0 = a1.fma(b0, c1_0); c1_1 = a1.fma(b1, c1_1);
            FloatVector a2 = FloatVector.broadcast(S, a[ap + 2]);
            c2_0 = a2.fma(b0, c2_0); c2_1 = a2.fma(b1, c2_1);
            FloatVector a3 = FloatVector.broadcast(S, a[ap + 3]);
            c3_0 = a3.fma(b0, c3_0); c3_1 = a3.fma(b1, c3_1);
        }
        // the store rule inline: a helper taking vectors would box them where C2 does not inline it
        if (beta == 0f) {
            c0_0.intoArray(c, co);
            c0_1.intoArray(c, co + L);
            co += ldc;
            c1_0.intoArray(c, co);
            c1_1.intoArray(c, co + L);
            co += ldc;
            c2_0.intoArray(c, co);
            c2_1.intoArray(c, co + L);
            co += ldc;
            c3_0.intoArray(c, co);
            c3_1.intoArray(c, co + L);
        } else if (beta == 1f) {
            c0_0.add(FloatVector.fromArray(S, c, co)).intoArray(c, co);
            c0_1.add(FloatVector.fromArray(S, c, co + L)).intoArray(c, co + L);
            co += ldc;
            c1_0.add(FloatVector.fromArray(S, c, co)).intoArray(c, co);
            c1_1.add(FloatVector.fromArray(S, c, co + L)).intoArray(c, co + L);
            co += ldc;
            c2_0.add(FloatVector.fromArray(S, c, co)).intoArray(c, co);
            c2_1.add(FloatVector.fromArray(S, c, co + L)).intoArray(c, co + L);
            co += ldc;
            c3_0.add(FloatVector.fromArray(S, c, co)).intoArray(c, co);
            c3_1.add(FloatVector.fromArray(S, c, co + L)).intoArray(c, co + L);
        } else {
            FloatVector bb = FloatVector.broadcast(S, beta);
            FloatVector.fromArray(S, c, co).fma(bb, c0_0).intoArray(c, co);
            FloatVector.fromArray(S, c, co + L).fma(bb, c0_1).intoArray(c, co + L);
            co += ldc;
            FloatVector.fromArray(S, c, co).fma(bb, c1_0).intoArray(c, co);
            FloatVector.fromArray(S, c, co + L).fma(bb, c1_1).intoArray(c, co + L);
            co += ldc;
            FloatVector.fromArray(S, c, co).fma(bb, c2_0).intoArray(c, co);
            FloatVector.fromArray(S, c, co + L).fma(bb, c2_1).intoArray(c, co + L);
            co += ldc;
            FloatVector.fromArray(S, c, co).fma(bb, c3_0).intoArray(c, co);
            FloatVector.fromArray(S, c, co + L).fma(bb, c3_1).intoArray(c, co + L);
        }
    }

    /** Two-vector shuffles for {@link #pack4Rows} (8 lanes): zip of 32-bit lanes, then of 64-bit pairs. */
    private static final boolean PACK4 = L == 8 && GemmTiling.MR == 4;
    private static final VectorShuffle<Float> ZIP_LO = PACK4 ? VectorShuffle.fromValues(S, 0, 8, 1, 9, 2, 10, 3, 11) : null;
    private static final VectorShuffle<Float> ZIP_HI = PACK4 ? VectorShuffle.fromValues(S, 4, 12, 5, 13, 6, 14, 7, 15) : null;
    private static final VectorShuffle<Float> ZIP2_LO = PACK4 ? VectorShuffle.fromValues(S, 0, 1, 8, 9, 2, 3, 10, 11) : null;
    private static final VectorShuffle<Float> ZIP2_HI = PACK4 ? VectorShuffle.fromValues(S, 4, 5, 12, 13, 6, 7, 14, 15) : null;

    /** Whether {@link #pack4Rows} applies (4-row tile, 8 float lanes); otherwise the scalar pack runs. */
    static boolean canPack4Rows() {
        return PACK4;
    }

    /**
     * Interleaves 4 rows of a row-major A ({@code a[src + i*lda + p]}, i < 4, p < kc) into one packed
     * A micro-panel {@code dst[d + p*4 + i]}: per 8 columns, 4 loads, 8 two-vector shuffles, 4 stores
     * (the scalar loop of {@code Sgemm}'s packA, its twin, moves one float at a time).
     */
    static void pack4Rows(float[] a, int src, int lda, int kc, float[] dst, int d) {
        int r1 = src + lda;
        int r2 = r1 + lda;
        int r3 = r2 + lda;
        int p = 0;
        for (; p <= kc - L; p += L) {
            FloatVector x0 = FloatVector.fromArray(S, a, src + p);
            FloatVector x1 = FloatVector.fromArray(S, a, r1 + p);
            FloatVector x2 = FloatVector.fromArray(S, a, r2 + p);
            FloatVector x3 = FloatVector.fromArray(S, a, r3 + p);
            FloatVector t0 = x0.rearrange(ZIP_LO, x1);   // a0p0 a1p0 a0p1 a1p1 a0p2 a1p2 a0p3 a1p3
            FloatVector t1 = x0.rearrange(ZIP_HI, x1);   // ... p4..p7
            FloatVector t2 = x2.rearrange(ZIP_LO, x3);
            FloatVector t3 = x2.rearrange(ZIP_HI, x3);
            int o = d + p * 4;
            t0.rearrange(ZIP2_LO, t2).intoArray(dst, o);          // a0p0 a1p0 a2p0 a3p0 a0p1 a1p1 a2p1 a3p1
            t0.rearrange(ZIP2_HI, t2).intoArray(dst, o + L);      // p2, p3
            t1.rearrange(ZIP2_LO, t3).intoArray(dst, o + 2 * L);  // p4, p5
            t1.rearrange(ZIP2_HI, t3).intoArray(dst, o + 3 * L);  // p6, p7
        }
        for (; p < kc; p++) {
            int o = d + p * 4;
            dst[o] = a[src + p];
            dst[o + 1] = a[r1 + p];
            dst[o + 2] = a[r2 + p];
            dst[o + 3] = a[r3 + p];
        }
    }

    /** Whether {@link #transposePanelRows} serves this shape: 16-lane vectors and panels of 32 columns. */
    static final boolean TRANSPOSE16 = L == 16 && NR == 32;
    /** Perfect-shuffle indices for two-vector {@code selectFrom}: lanes 0..7 of two vectors interleaved, and lanes 8..15. */
    private static final FloatVector ZIP16_LO = TRANSPOSE16 ? zip16(0) : null;
    private static final FloatVector ZIP16_HI = TRANSPOSE16 ? zip16(8) : null;

    private static FloatVector zip16(int from) {
        float[] f = new float[16];
        for (int i = 0; i < 8; i++) {
            f[2 * i] = from + i;
            f[2 * i + 1] = 16 + from + i;
        }
        return FloatVector.fromArray(S, f, 0);
    }

    /**
     * Rows {@code [p0, p0 + rows)} of one full B panel (32 columns) from a PANELS_TRANSPOSED B, {@code p0}
     * and {@code rows} multiples of 16 ({@link #TRANSPOSE16} only):
     * {@code dst[d + p*32 + jj] = b[src + ((p0+p)/32)*ldb + (p0+p)%32 + jj*32]}. Each 16 x 16 block is
     * 16 vector loads, four perfect-shuffle stages (two-vector {@code selectFrom}: stage after stage the
     * rows interleave, and after four the block is transposed) and 16 vector stores: 2-3x faster than
     * the element gather (35 against 75-115 us for a 256 x 784 B on Zen 5). A data movement: the
     * product's bits do not change.
     */
    static void transposePanelRows(float[] b, int src, int ldb, int p0, int rows, float[] dst, int d) {
        FloatVector zlo = ZIP16_LO;
        FloatVector zhi = ZIP16_HI;
        for (int p = 0; p < rows; p += 16) {
            int pp = p0 + p;
            int s = src + (pp >>> 5) * ldb + (pp & 31);
            for (int h = 0; h < 32; h += 16) {
                int sb = s + h * 32;
                FloatVector v0 = FloatVector.fromArray(S, b, sb + 0);
                FloatVector v1 = FloatVector.fromArray(S, b, sb + 32);
                FloatVector v2 = FloatVector.fromArray(S, b, sb + 64);
                FloatVector v3 = FloatVector.fromArray(S, b, sb + 96);
                FloatVector v4 = FloatVector.fromArray(S, b, sb + 128);
                FloatVector v5 = FloatVector.fromArray(S, b, sb + 160);
                FloatVector v6 = FloatVector.fromArray(S, b, sb + 192);
                FloatVector v7 = FloatVector.fromArray(S, b, sb + 224);
                FloatVector v8 = FloatVector.fromArray(S, b, sb + 256);
                FloatVector v9 = FloatVector.fromArray(S, b, sb + 288);
                FloatVector v10 = FloatVector.fromArray(S, b, sb + 320);
                FloatVector v11 = FloatVector.fromArray(S, b, sb + 352);
                FloatVector v12 = FloatVector.fromArray(S, b, sb + 384);
                FloatVector v13 = FloatVector.fromArray(S, b, sb + 416);
                FloatVector v14 = FloatVector.fromArray(S, b, sb + 448);
                FloatVector v15 = FloatVector.fromArray(S, b, sb + 480);
                for (int stage = 0; stage < 4; stage++) {
                    FloatVector t0 = zlo.selectFrom(v0, v8);
                    FloatVector t1 = zhi.selectFrom(v0, v8);
                    FloatVector t2 = zlo.selectFrom(v1, v9);
                    FloatVector t3 = zhi.selectFrom(v1, v9);
                    FloatVector t4 = zlo.selectFrom(v2, v10);
                    FloatVector t5 = zhi.selectFrom(v2, v10);
                    FloatVector t6 = zlo.selectFrom(v3, v11);
                    FloatVector t7 = zhi.selectFrom(v3, v11);
                    FloatVector t8 = zlo.selectFrom(v4, v12);
                    FloatVector t9 = zhi.selectFrom(v4, v12);
                    FloatVector t10 = zlo.selectFrom(v5, v13);
                    FloatVector t11 = zhi.selectFrom(v5, v13);
                    FloatVector t12 = zlo.selectFrom(v6, v14);
                    FloatVector t13 = zhi.selectFrom(v6, v14);
                    FloatVector t14 = zlo.selectFrom(v7, v15);
                    FloatVector t15 = zhi.selectFrom(v7, v15);
                    v0 = t0; v1 = t1; v2 = t2; v3 = t3; v4 = t4; v5 = t5; v6 = t6; v7 = t7;
                    v8 = t8; v9 = t9; v10 = t10; v11 = t11; v12 = t12; v13 = t13; v14 = t14; v15 = t15;
                }
                int ob = d + p * 32 + h;
                v0.intoArray(dst, ob + 0);
                v1.intoArray(dst, ob + 32);
                v2.intoArray(dst, ob + 64);
                v3.intoArray(dst, ob + 96);
                v4.intoArray(dst, ob + 128);
                v5.intoArray(dst, ob + 160);
                v6.intoArray(dst, ob + 192);
                v7.intoArray(dst, ob + 224);
                v8.intoArray(dst, ob + 256);
                v9.intoArray(dst, ob + 288);
                v10.intoArray(dst, ob + 320);
                v11.intoArray(dst, ob + 352);
                v12.intoArray(dst, ob + 384);
                v13.intoArray(dst, ob + 416);
                v14.intoArray(dst, ob + 448);
                v15.intoArray(dst, ob + 480);
            }
        }
    }

    /** Copies {@code rows} rows of NR floats ({@code b[src + p*ld]}) into a B panel {@code dst[d + p*NR]}. */
    static void copyRows(float[] b, int src, int ld, int rows, float[] dst, int d) {
        // arraycopy, not vector loads: this small method sat in C1 code (which boxes every vector)
        // for whole runs, 120 KB per MLP training step
        for (int p = 0; p < rows; p++) {
            System.arraycopy(b, src + p * ld, dst, d + p * NR, NR);
        }
    }

    /**
     * The 4x2 tile with A read in place from a TRANSPOSED matrix: element (i, p) of the tile is
     * {@code a[ao + p*lda + i]}. Same operation order as {@link #k4x2} on a packed copy.
     */
    static void k4x2ColA(int kc, float[] a, int ao, int lda, float[] b, int bo, float[] c, int co, int ldc,
                         float beta) {
        FloatVector c0_0 = FloatVector.zero(S), c0_1 = FloatVector.zero(S);
        FloatVector c1_0 = FloatVector.zero(S), c1_1 = FloatVector.zero(S);
        FloatVector c2_0 = FloatVector.zero(S), c2_1 = FloatVector.zero(S);
        FloatVector c3_0 = FloatVector.zero(S), c3_1 = FloatVector.zero(S);
        final int nr = 2 * L;
        int ap = ao;
        for (int p = 0; p < kc; p++) {
            int bp = bo + p * nr;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector a0 = FloatVector.broadcast(S, a[ap]);
            c0_0 = a0.fma(b0, c0_0); c0_1 = a0.fma(b1, c0_1);
            FloatVector a1 = FloatVector.broadcast(S, a[ap + 1]);
            c1_0 = a1.fma(b0, c1_0); c1_1 = a1.fma(b1, c1_1);
            FloatVector a2 = FloatVector.broadcast(S, a[ap + 2]);
            c2_0 = a2.fma(b0, c2_0); c2_1 = a2.fma(b1, c2_1);
            FloatVector a3 = FloatVector.broadcast(S, a[ap + 3]);
            c3_0 = a3.fma(b0, c3_0); c3_1 = a3.fma(b1, c3_1);
            ap += lda;
        }
        // the store rule inline: a helper taking vectors would box them where C2 does not inline it
        if (beta == 0f) {
            c0_0.intoArray(c, co);
            c0_1.intoArray(c, co + L);
            co += ldc;
            c1_0.intoArray(c, co);
            c1_1.intoArray(c, co + L);
            co += ldc;
            c2_0.intoArray(c, co);
            c2_1.intoArray(c, co + L);
            co += ldc;
            c3_0.intoArray(c, co);
            c3_1.intoArray(c, co + L);
        } else if (beta == 1f) {
            c0_0.add(FloatVector.fromArray(S, c, co)).intoArray(c, co);
            c0_1.add(FloatVector.fromArray(S, c, co + L)).intoArray(c, co + L);
            co += ldc;
            c1_0.add(FloatVector.fromArray(S, c, co)).intoArray(c, co);
            c1_1.add(FloatVector.fromArray(S, c, co + L)).intoArray(c, co + L);
            co += ldc;
            c2_0.add(FloatVector.fromArray(S, c, co)).intoArray(c, co);
            c2_1.add(FloatVector.fromArray(S, c, co + L)).intoArray(c, co + L);
            co += ldc;
            c3_0.add(FloatVector.fromArray(S, c, co)).intoArray(c, co);
            c3_1.add(FloatVector.fromArray(S, c, co + L)).intoArray(c, co + L);
        } else {
            FloatVector bb = FloatVector.broadcast(S, beta);
            FloatVector.fromArray(S, c, co).fma(bb, c0_0).intoArray(c, co);
            FloatVector.fromArray(S, c, co + L).fma(bb, c0_1).intoArray(c, co + L);
            co += ldc;
            FloatVector.fromArray(S, c, co).fma(bb, c1_0).intoArray(c, co);
            FloatVector.fromArray(S, c, co + L).fma(bb, c1_1).intoArray(c, co + L);
            co += ldc;
            FloatVector.fromArray(S, c, co).fma(bb, c2_0).intoArray(c, co);
            FloatVector.fromArray(S, c, co + L).fma(bb, c2_1).intoArray(c, co + L);
            co += ldc;
            FloatVector.fromArray(S, c, co).fma(bb, c3_0).intoArray(c, co);
            FloatVector.fromArray(S, c, co + L).fma(bb, c3_1).intoArray(c, co + L);
        }
    }

    static void k6x2(int kc, float[] a, int ao, float[] b, int bo, float[] c, int co, int ldc, float beta) {
        FloatVector c0_0 = FloatVector.zero(S), c0_1 = FloatVector.zero(S);
        FloatVector c1_0 = FloatVector.zero(S), c1_1 = FloatVector.zero(S);
        FloatVector c2_0 = FloatVector.zero(S), c2_1 = FloatVector.zero(S);
        FloatVector c3_0 = FloatVector.zero(S), c3_1 = FloatVector.zero(S);
        FloatVector c4_0 = FloatVector.zero(S), c4_1 = FloatVector.zero(S);
        FloatVector c5_0 = FloatVector.zero(S), c5_1 = FloatVector.zero(S);
        final int nr = 2 * L;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bo);
            FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
            FloatVector a0 = FloatVector.broadcast(S, a[ao]);
            c0_0 = a0.fma(b0, c0_0); c0_1 = a0.fma(b1, c0_1);
            FloatVector a1 = FloatVector.broadcast(S, a[ao + 1]);
            c1_0 = a1.fma(b0, c1_0); c1_1 = a1.fma(b1, c1_1);
            FloatVector a2 = FloatVector.broadcast(S, a[ao + 2]);
            c2_0 = a2.fma(b0, c2_0); c2_1 = a2.fma(b1, c2_1);
            FloatVector a3 = FloatVector.broadcast(S, a[ao + 3]);
            c3_0 = a3.fma(b0, c3_0); c3_1 = a3.fma(b1, c3_1);
            FloatVector a4 = FloatVector.broadcast(S, a[ao + 4]);
            c4_0 = a4.fma(b0, c4_0); c4_1 = a4.fma(b1, c4_1);
            FloatVector a5 = FloatVector.broadcast(S, a[ao + 5]);
            c5_0 = a5.fma(b0, c5_0); c5_1 = a5.fma(b1, c5_1);
            ao += 6;
            bo += nr;
        }
        // the store rule inline: a helper taking vectors would box them where C2 does not inline it
        if (beta == 0f) {
            c0_0.intoArray(c, co);
            c0_1.intoArray(c, co + L);
            co += ldc;
            c1_0.intoArray(c, co);
            c1_1.intoArray(c, co + L);
            co += ldc;
            c2_0.intoArray(c, co);
            c2_1.intoArray(c, co + L);
            co += ldc;
            c3_0.intoArray(c, co);
            c3_1.intoArray(c, co + L);
            co += ldc;
            c4_0.intoArray(c, co);
            c4_1.intoArray(c, co + L);
            co += ldc;
            c5_0.intoArray(c, co);
            c5_1.intoArray(c, co + L);
        } else if (beta == 1f) {
            c0_0.add(FloatVector.fromArray(S, c, co)).intoArray(c, co);
            c0_1.add(FloatVector.fromArray(S, c, co + L)).intoArray(c, co + L);
            co += ldc;
            c1_0.add(FloatVector.fromArray(S, c, co)).intoArray(c, co);
            c1_1.add(FloatVector.fromArray(S, c, co + L)).intoArray(c, co + L);
            co += ldc;
            c2_0.add(FloatVector.fromArray(S, c, co)).intoArray(c, co);
            c2_1.add(FloatVector.fromArray(S, c, co + L)).intoArray(c, co + L);
            co += ldc;
            c3_0.add(FloatVector.fromArray(S, c, co)).intoArray(c, co);
            c3_1.add(FloatVector.fromArray(S, c, co + L)).intoArray(c, co + L);
            co += ldc;
            c4_0.add(FloatVector.fromArray(S, c, co)).intoArray(c, co);
            c4_1.add(FloatVector.fromArray(S, c, co + L)).intoArray(c, co + L);
            co += ldc;
            c5_0.add(FloatVector.fromArray(S, c, co)).intoArray(c, co);
            c5_1.add(FloatVector.fromArray(S, c, co + L)).intoArray(c, co + L);
        } else {
            FloatVector bb = FloatVector.broadcast(S, beta);
            FloatVector.fromArray(S, c, co).fma(bb, c0_0).intoArray(c, co);
            FloatVector.fromArray(S, c, co + L).fma(bb, c0_1).intoArray(c, co + L);
            co += ldc;
            FloatVector.fromArray(S, c, co).fma(bb, c1_0).intoArray(c, co);
            FloatVector.fromArray(S, c, co + L).fma(bb, c1_1).intoArray(c, co + L);
            co += ldc;
            FloatVector.fromArray(S, c, co).fma(bb, c2_0).intoArray(c, co);
            FloatVector.fromArray(S, c, co + L).fma(bb, c2_1).intoArray(c, co + L);
            co += ldc;
            FloatVector.fromArray(S, c, co).fma(bb, c3_0).intoArray(c, co);
            FloatVector.fromArray(S, c, co + L).fma(bb, c3_1).intoArray(c, co + L);
            co += ldc;
            FloatVector.fromArray(S, c, co).fma(bb, c4_0).intoArray(c, co);
            FloatVector.fromArray(S, c, co + L).fma(bb, c4_1).intoArray(c, co + L);
            co += ldc;
            FloatVector.fromArray(S, c, co).fma(bb, c5_0).intoArray(c, co);
            FloatVector.fromArray(S, c, co + L).fma(bb, c5_1).intoArray(c, co + L);
        }
    }

    /** Applies {@code ep} to the {@code mv x nv} tile at C position (i0,j0), stored at c[co] with row stride ldc. */
    static void epilogue(Epilogue ep, float[] c, int co, int ldc, int i0, int j0, int mv, int nv) {
        // one loop per kind: a switch inside the vector loop was re-dispatched for every vector
        int vn = nv / L * L;
        float[] e = ep.arr;
        FloatVector zero = FloatVector.zero(S);
        switch (ep.kind) {
            case ROW_BIAS, ROW_BIAS_RELU -> {
                boolean relu = ep.kind == Epilogue.Kind.ROW_BIAS_RELU;
                for (int i = 0; i < mv; i++) {
                    int row = co + i * ldc;
                    FloatVector rb = FloatVector.broadcast(S, e[ep.off + i0 + i]);
                    for (int j = 0; j < vn; j += L) {
                        FloatVector v = FloatVector.fromArray(S, c, row + j).add(rb);
                        (relu ? v.max(zero) : v).intoArray(c, row + j);
                    }
                }
            }
            case SCALE_BIAS, SCALE_BIAS_RELU -> {
                FloatVector floor = ep.kind == Epilogue.Kind.SCALE_BIAS_RELU ? zero
                        : FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
                int so = ep.off + j0;
                int bo = ep.off + ep.ld + j0;
                for (int i = 0; i < mv; i++) {
                    int row = co + i * ldc;
                    for (int j = 0; j < vn; j += L) {
                        FloatVector.fromArray(S, c, row + j).fma(FloatVector.fromArray(S, e, so + j),
                                FloatVector.fromArray(S, e, bo + j)).max(floor).intoArray(c, row + j);
                    }
                }
            }
            case BIAS -> {
                for (int i = 0; i < mv; i++) {
                    int row = co + i * ldc;
                    for (int j = 0; j < vn; j += L) {
                        FloatVector.fromArray(S, c, row + j).add(FloatVector.fromArray(S, e, ep.off + j0 + j))
                                .intoArray(c, row + j);
                    }
                }
            }
            case BIAS_RELU -> {
                for (int i = 0; i < mv; i++) {
                    int row = co + i * ldc;
                    for (int j = 0; j < vn; j += L) {
                        FloatVector.fromArray(S, c, row + j).add(FloatVector.fromArray(S, e, ep.off + j0 + j))
                                .max(zero).intoArray(c, row + j);
                    }
                }
            }
            case RELU -> {
                for (int i = 0; i < mv; i++) {
                    int row = co + i * ldc;
                    for (int j = 0; j < vn; j += L) {
                        FloatVector.fromArray(S, c, row + j).max(zero).intoArray(c, row + j);
                    }
                }
            }
            case RELU_MASK -> {
                for (int i = 0; i < mv; i++) {
                    int row = co + i * ldc;
                    int mrow = ep.off + (i0 + i) * ep.ld + j0;
                    for (int j = 0; j < vn; j += L) {
                        FloatVector m = FloatVector.fromArray(S, e, mrow + j);
                        zero.blend(FloatVector.fromArray(S, c, row + j), m.compare(VectorOperators.GT, 0f))
                                .intoArray(c, row + j);
                    }
                }
            }
            default -> { }
        }
        if (vn < nv) {
            for (int i = 0; i < mv; i++) {
                int row = co + i * ldc;
                for (int j = vn; j < nv; j++) {
                    c[row + j] = ep.apply(c[row + j], i0 + i, j0 + j);
                }
            }
        }
    }
}
