package dev.vecprop.kernel;

import dev.vecprop.simd.FloatSpecies;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernels of the zero-skipping products ({@link Sgemm#SKIP_ZERO_INPUTS}): packing a
 * 4-row tile of A with only the steps of k where one of its rows is non-zero, and the 4-row register
 * tiles that read B's matching rows by index. A skipped step would add exact zeros, so every sum is
 * the dense product's, in the same order. The scalar form is the loop in {@code Sgemm.Job#packKept}
 * with the dense micro-kernels.
 */
final class SkipZeroVectorKernels {
    private static final VectorSpecies<Float> S = FloatSpecies.SPECIES;
    private static final int L = S.length();

    private SkipZeroVectorKernels() {}

    /** Four floats: one step of a 4-row A tile (the zero-skipping pack tests and moves them as one). */
    private static final VectorSpecies<Float> S4 = FloatVector.SPECIES_128;

    /**
     * Zero-skipping pack of a 4-row tile of a TRANSPOSED A, whose 4 values of step p sit at
     * {@code a[src + p*lda ..+4)}: the steps p < kc with a value other than +-0 (NaN counts) go to
     * {@code dst[d + 4n..]} and {@code keep[ko + n] = p0 + p}; returns n. Same result as the scalar loop
     * in {@code Sgemm.Job#packKept}.
     */
    static int packKeptColA(float[] a, int src, int lda, int p0, int kc, float[] dst, int d, int[] keep, int ko) {
        int n = 0;
        // per 64 steps: first a bit mask of the kept ones (no step waits for another's test), then
        // only those are copied
        for (int c0 = 0; c0 < kc; c0 += 64) {
            int c1 = Math.min(kc, c0 + 64);
            long bits = 0;
            int s = src + c0 * lda;
            for (int p = c0; p < c1; p++, s += lda) {
                bits |= (FloatVector.fromArray(S4, a, s).compare(VectorOperators.NE, 0f).anyTrue() ? 1L : 0L) << (p - c0);
            }
            while (bits != 0) {
                int q = c0 + Long.numberOfTrailingZeros(bits);
                FloatVector.fromArray(S4, a, src + q * lda).intoArray(dst, d + n * 4);
                keep[ko + n] = p0 + q;
                n++;
                bits &= bits - 1;
            }
        }
        return n;
    }

    /**
     * As {@link #packKeptColA} for a ROW_MAJOR A (rows at {@code r0 + r*lda + p}): per run of L steps
     * one test finds the steps where a row is non-zero (a bit mask), and only those are copied.
     */
    static int packKeptRows(float[] a, int r0, int lda, int p0, int kc, float[] dst, int d, int[] keep, int ko) {
        int r1 = r0 + lda;
        int r2 = r1 + lda;
        int r3 = r2 + lda;
        int n = 0;
        int p = 0;
        for (; p <= kc - L; p += L) {
            long bits = FloatVector.fromArray(S, a, r0 + p).reinterpretAsInts()
                    .or(FloatVector.fromArray(S, a, r1 + p).reinterpretAsInts())
                    .or(FloatVector.fromArray(S, a, r2 + p).reinterpretAsInts())
                    .or(FloatVector.fromArray(S, a, r3 + p).reinterpretAsInts())
                    .and(0x7fffffff).compare(VectorOperators.NE, 0).toLong();
            while (bits != 0) {
                int q = p + Long.numberOfTrailingZeros(bits);
                int o = d + n * 4;
                dst[o] = a[r0 + q];
                dst[o + 1] = a[r1 + q];
                dst[o + 2] = a[r2 + q];
                dst[o + 3] = a[r3 + q];
                keep[ko + n] = p0 + q;
                n++;
                bits &= bits - 1;
            }
        }
        for (; p < kc; p++) {
            float v0 = a[r0 + p], v1 = a[r1 + p], v2 = a[r2 + p], v3 = a[r3 + p];
            int o = d + n * 4;
            dst[o] = v0;
            dst[o + 1] = v1;
            dst[o + 2] = v2;
            dst[o + 3] = v3;
            keep[ko + n] = p0 + p;
            n += (v0 != 0f || v1 != 0f || v2 != 0f || v3 != 0f || v0 != v0 || v1 != v1 || v2 != v2 || v3 != v3) ? 1 : 0;
        }
        return n;
    }

    /**
     * The 4x2 tile over selected rows of B: step q reads B's row {@code keep[ko + q] - keepBase} of
     * the panel at {@code bo} (rows NR floats apart) and A's packed panel contiguously from
     * {@code ao}. Used by the zero-skipping products, where the skipped steps would add exact zeros:
     * the sums are {@link SgemmVectorKernels#k4x2}'s over all rows, in the same order.
     */
    static void k4x2Rows(int kc, float[] a, int ao, float[] b, int bo, int[] keep, int ko, int keepBase,
                         float[] c, int co, int ldc, float beta) {
        FloatVector c0_0 = FloatVector.zero(S), c0_1 = FloatVector.zero(S);
        FloatVector c1_0 = FloatVector.zero(S), c1_1 = FloatVector.zero(S);
        FloatVector c2_0 = FloatVector.zero(S), c2_1 = FloatVector.zero(S);
        FloatVector c3_0 = FloatVector.zero(S), c3_1 = FloatVector.zero(S);
        final int nr = 2 * L;
        int base = bo - keepBase * nr;
        int p = 0;
        for (; p < kc - 1; p += 2) {
            int bp = base + keep[ko + p] * nr;
            int bq = base + keep[ko + p + 1] * nr;
            int ap = ao + p * 4;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector e0 = FloatVector.fromArray(S, b, bq);
            FloatVector e1 = FloatVector.fromArray(S, b, bq + L);
            FloatVector a0 = FloatVector.broadcast(S, a[ap]);
            c0_0 = a0.fma(b0, c0_0); c0_1 = a0.fma(b1, c0_1);
            FloatVector a1 = FloatVector.broadcast(S, a[ap + 1]);
            c1_0 = a1.fma(b0, c1_0); c1_1 = a1.fma(b1, c1_1);
            FloatVector a2 = FloatVector.broadcast(S, a[ap + 2]);
            c2_0 = a2.fma(b0, c2_0); c2_1 = a2.fma(b1, c2_1);
            FloatVector a3 = FloatVector.broadcast(S, a[ap + 3]);
            c3_0 = a3.fma(b0, c3_0); c3_1 = a3.fma(b1, c3_1);
            a0 = FloatVector.broadcast(S, a[ap + 4]);
            c0_0 = a0.fma(e0, c0_0); c0_1 = a0.fma(e1, c0_1);
            a1 = FloatVector.broadcast(S, a[ap + 5]);
            c1_0 = a1.fma(e0, c1_0); c1_1 = a1.fma(e1, c1_1);
            a2 = FloatVector.broadcast(S, a[ap + 6]);
            c2_0 = a2.fma(e0, c2_0); c2_1 = a2.fma(e1, c2_1);
            a3 = FloatVector.broadcast(S, a[ap + 7]);
            c3_0 = a3.fma(e0, c3_0); c3_1 = a3.fma(e1, c3_1);
        }
        for (; p < kc; p++) {
            int bp = base + keep[ko + p] * nr;
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


    /**
     * {@link #k4x2Rows} over two neighbouring panels of B at once ({@code bo} and {@code bo2}) into the
     * C tiles at {@code co} and {@code co2}: one set of A broadcasts and kept indices serves sixteen
     * accumulators, so the loads per multiply-add halve. Each output's chain is {@link #k4x2Rows}'s,
     * to the bit.
     */
    static void k4x2x2Rows(int kc, float[] a, int ao, float[] b, int bo, int bo2, int[] keep, int ko, int keepBase,
                           float[] c, int co, int co2, int ldc, float beta) {
        FloatVector c0_0 = FloatVector.zero(S), c0_1 = FloatVector.zero(S), c0_2 = FloatVector.zero(S), c0_3 = FloatVector.zero(S);
        FloatVector c1_0 = FloatVector.zero(S), c1_1 = FloatVector.zero(S), c1_2 = FloatVector.zero(S), c1_3 = FloatVector.zero(S);
        FloatVector c2_0 = FloatVector.zero(S), c2_1 = FloatVector.zero(S), c2_2 = FloatVector.zero(S), c2_3 = FloatVector.zero(S);
        FloatVector c3_0 = FloatVector.zero(S), c3_1 = FloatVector.zero(S), c3_2 = FloatVector.zero(S), c3_3 = FloatVector.zero(S);
        final int nr = 2 * L;
        int base = bo - keepBase * nr;
        int base2 = bo2 - keepBase * nr;
        for (int p = 0; p < kc; p++) {
            int row = keep[ko + p] * nr;
            int bp = base + row;
            int bq = base2 + row;
            int ap = ao + p * 4;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bq);
            FloatVector b3 = FloatVector.fromArray(S, b, bq + L);
            FloatVector a0 = FloatVector.broadcast(S, a[ap]);
            c0_0 = a0.fma(b0, c0_0); c0_1 = a0.fma(b1, c0_1); c0_2 = a0.fma(b2, c0_2); c0_3 = a0.fma(b3, c0_3);
            FloatVector a1 = FloatVector.broadcast(S, a[ap + 1]);
            c1_0 = a1.fma(b0, c1_0); c1_1 = a1.fma(b1, c1_1); c1_2 = a1.fma(b2, c1_2); c1_3 = a1.fma(b3, c1_3);
            FloatVector a2 = FloatVector.broadcast(S, a[ap + 2]);
            c2_0 = a2.fma(b0, c2_0); c2_1 = a2.fma(b1, c2_1); c2_2 = a2.fma(b2, c2_2); c2_3 = a2.fma(b3, c2_3);
            FloatVector a3 = FloatVector.broadcast(S, a[ap + 3]);
            c3_0 = a3.fma(b0, c3_0); c3_1 = a3.fma(b1, c3_1); c3_2 = a3.fma(b2, c3_2); c3_3 = a3.fma(b3, c3_3);
        }
        // the store rule inline: a helper taking vectors would box them where C2 does not inline it
        if (beta == 0f) {
            c0_0.intoArray(c, co);
            c0_1.intoArray(c, co + L);
            c0_2.intoArray(c, co2);
            c0_3.intoArray(c, co2 + L);
            co += ldc;
            co2 += ldc;
            c1_0.intoArray(c, co);
            c1_1.intoArray(c, co + L);
            c1_2.intoArray(c, co2);
            c1_3.intoArray(c, co2 + L);
            co += ldc;
            co2 += ldc;
            c2_0.intoArray(c, co);
            c2_1.intoArray(c, co + L);
            c2_2.intoArray(c, co2);
            c2_3.intoArray(c, co2 + L);
            co += ldc;
            co2 += ldc;
            c3_0.intoArray(c, co);
            c3_1.intoArray(c, co + L);
            c3_2.intoArray(c, co2);
            c3_3.intoArray(c, co2 + L);
        } else if (beta == 1f) {
            c0_0.add(FloatVector.fromArray(S, c, co)).intoArray(c, co);
            c0_1.add(FloatVector.fromArray(S, c, co + L)).intoArray(c, co + L);
            c0_2.add(FloatVector.fromArray(S, c, co2)).intoArray(c, co2);
            c0_3.add(FloatVector.fromArray(S, c, co2 + L)).intoArray(c, co2 + L);
            co += ldc;
            co2 += ldc;
            c1_0.add(FloatVector.fromArray(S, c, co)).intoArray(c, co);
            c1_1.add(FloatVector.fromArray(S, c, co + L)).intoArray(c, co + L);
            c1_2.add(FloatVector.fromArray(S, c, co2)).intoArray(c, co2);
            c1_3.add(FloatVector.fromArray(S, c, co2 + L)).intoArray(c, co2 + L);
            co += ldc;
            co2 += ldc;
            c2_0.add(FloatVector.fromArray(S, c, co)).intoArray(c, co);
            c2_1.add(FloatVector.fromArray(S, c, co + L)).intoArray(c, co + L);
            c2_2.add(FloatVector.fromArray(S, c, co2)).intoArray(c, co2);
            c2_3.add(FloatVector.fromArray(S, c, co2 + L)).intoArray(c, co2 + L);
            co += ldc;
            co2 += ldc;
            c3_0.add(FloatVector.fromArray(S, c, co)).intoArray(c, co);
            c3_1.add(FloatVector.fromArray(S, c, co + L)).intoArray(c, co + L);
            c3_2.add(FloatVector.fromArray(S, c, co2)).intoArray(c, co2);
            c3_3.add(FloatVector.fromArray(S, c, co2 + L)).intoArray(c, co2 + L);
        } else {
            FloatVector bb = FloatVector.broadcast(S, beta);
            FloatVector.fromArray(S, c, co).fma(bb, c0_0).intoArray(c, co);
            FloatVector.fromArray(S, c, co + L).fma(bb, c0_1).intoArray(c, co + L);
            FloatVector.fromArray(S, c, co2).fma(bb, c0_2).intoArray(c, co2);
            FloatVector.fromArray(S, c, co2 + L).fma(bb, c0_3).intoArray(c, co2 + L);
            co += ldc;
            co2 += ldc;
            FloatVector.fromArray(S, c, co).fma(bb, c1_0).intoArray(c, co);
            FloatVector.fromArray(S, c, co + L).fma(bb, c1_1).intoArray(c, co + L);
            FloatVector.fromArray(S, c, co2).fma(bb, c1_2).intoArray(c, co2);
            FloatVector.fromArray(S, c, co2 + L).fma(bb, c1_3).intoArray(c, co2 + L);
            co += ldc;
            co2 += ldc;
            FloatVector.fromArray(S, c, co).fma(bb, c2_0).intoArray(c, co);
            FloatVector.fromArray(S, c, co + L).fma(bb, c2_1).intoArray(c, co + L);
            FloatVector.fromArray(S, c, co2).fma(bb, c2_2).intoArray(c, co2);
            FloatVector.fromArray(S, c, co2 + L).fma(bb, c2_3).intoArray(c, co2 + L);
            co += ldc;
            co2 += ldc;
            FloatVector.fromArray(S, c, co).fma(bb, c3_0).intoArray(c, co);
            FloatVector.fromArray(S, c, co + L).fma(bb, c3_1).intoArray(c, co + L);
            FloatVector.fromArray(S, c, co2).fma(bb, c3_2).intoArray(c, co2);
            FloatVector.fromArray(S, c, co2 + L).fma(bb, c3_3).intoArray(c, co2 + L);
        }
    }
}
