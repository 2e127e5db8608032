package dev.vecprop.kernel;

import dev.vecprop.simd.FloatSpecies;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector form of {@link Transpose}: L x L blocks (L the lanes) transposed in registers in log2(L)
 * butterfly stages, each swapping one bit of the row index with the same bit of the column index
 * through two-vector shuffles (one {@code vpermt2ps} each on AVX-512); the ragged rows and columns
 * through the twin.
 */
final class TransposeVector {
    private TransposeVector() {}

    private static final VectorSpecies<Float> S = FloatSpecies.SPECIES;
    private static final int L = S.length();

    /** Stage with distance d, pair (row i, row i+d), bit d of i clear: the new row i and the new row i+d. */
    private static VectorShuffle<Float> stage(int d, boolean high) {
        if (d >= L) {
            return null;
        }
        int[] s = new int[L];
        for (int j = 0; j < L; j++) {
            boolean bit = (j & d) != 0;
            s[j] = high ? (bit ? L + j : j + d) : (bit ? L + j - d : j);
        }
        return VectorShuffle.fromValues(S, s);
    }

    private static final VectorShuffle<Float> LO8 = stage(8, false);
    private static final VectorShuffle<Float> HI8 = stage(8, true);
    private static final VectorShuffle<Float> LO4 = stage(4, false);
    private static final VectorShuffle<Float> HI4 = stage(4, true);
    private static final VectorShuffle<Float> LO2 = stage(2, false);
    private static final VectorShuffle<Float> HI2 = stage(2, true);
    private static final VectorShuffle<Float> LO1 = stage(1, false);
    private static final VectorShuffle<Float> HI1 = stage(1, true);

    static void transpose(float[] a, int ao, int lda, int rows, int cols, float[] t, int to, int ldt) {
        if (L != 4 && L != 8 && L != 16) {
            TransposeRef.transpose(a, ao, lda, rows, cols, t, to, ldt);
            return;
        }
        int fr = rows - rows % L;
        int fc = cols - cols % L;
        for (int j0 = 0; j0 < fc; j0 += L) {
            for (int i0 = 0; i0 < fr; i0 += L) {
                int src = ao + i0 * lda + j0;
                int dst = to + j0 * ldt + i0;
                if (L == 16) block16(a, src, lda, t, dst, ldt);
                else if (L == 8) block8(a, src, lda, t, dst, ldt);
                else block4(a, src, lda, t, dst, ldt);
            }
        }
        TransposeRef.part(a, ao, lda, 0, rows, fc, cols, t, to, ldt); // the last columns, all rows
        TransposeRef.part(a, ao, lda, fr, rows, 0, fc, t, to, ldt); // the last rows and the zero fill, the other columns
    }

    /** One 16 x 16 block: rows a[src + i*lda ..], columns to t[dst + j*ldt ..]. */
    private static void block16(float[] a, int src, int lda, float[] t, int dst, int ldt) {
        FloatVector r0 = FloatVector.fromArray(S, a, src + 0 * lda);
        FloatVector r1 = FloatVector.fromArray(S, a, src + 1 * lda);
        FloatVector r2 = FloatVector.fromArray(S, a, src + 2 * lda);
        FloatVector r3 = FloatVector.fromArray(S, a, src + 3 * lda);
        FloatVector r4 = FloatVector.fromArray(S, a, src + 4 * lda);
        FloatVector r5 = FloatVector.fromArray(S, a, src + 5 * lda);
        FloatVector r6 = FloatVector.fromArray(S, a, src + 6 * lda);
        FloatVector r7 = FloatVector.fromArray(S, a, src + 7 * lda);
        FloatVector r8 = FloatVector.fromArray(S, a, src + 8 * lda);
        FloatVector r9 = FloatVector.fromArray(S, a, src + 9 * lda);
        FloatVector r10 = FloatVector.fromArray(S, a, src + 10 * lda);
        FloatVector r11 = FloatVector.fromArray(S, a, src + 11 * lda);
        FloatVector r12 = FloatVector.fromArray(S, a, src + 12 * lda);
        FloatVector r13 = FloatVector.fromArray(S, a, src + 13 * lda);
        FloatVector r14 = FloatVector.fromArray(S, a, src + 14 * lda);
        FloatVector r15 = FloatVector.fromArray(S, a, src + 15 * lda);
        FloatVector a0 = r0.rearrange(LO8, r8);
        FloatVector a8 = r0.rearrange(HI8, r8);
        FloatVector a1 = r1.rearrange(LO8, r9);
        FloatVector a9 = r1.rearrange(HI8, r9);
        FloatVector a2 = r2.rearrange(LO8, r10);
        FloatVector a10 = r2.rearrange(HI8, r10);
        FloatVector a3 = r3.rearrange(LO8, r11);
        FloatVector a11 = r3.rearrange(HI8, r11);
        FloatVector a4 = r4.rearrange(LO8, r12);
        FloatVector a12 = r4.rearrange(HI8, r12);
        FloatVector a5 = r5.rearrange(LO8, r13);
        FloatVector a13 = r5.rearrange(HI8, r13);
        FloatVector a6 = r6.rearrange(LO8, r14);
        FloatVector a14 = r6.rearrange(HI8, r14);
        FloatVector a7 = r7.rearrange(LO8, r15);
        FloatVector a15 = r7.rearrange(HI8, r15);
        FloatVector b0 = a0.rearrange(LO4, a4);
        FloatVector b4 = a0.rearrange(HI4, a4);
        FloatVector b1 = a1.rearrange(LO4, a5);
        FloatVector b5 = a1.rearrange(HI4, a5);
        FloatVector b2 = a2.rearrange(LO4, a6);
        FloatVector b6 = a2.rearrange(HI4, a6);
        FloatVector b3 = a3.rearrange(LO4, a7);
        FloatVector b7 = a3.rearrange(HI4, a7);
        FloatVector b8 = a8.rearrange(LO4, a12);
        FloatVector b12 = a8.rearrange(HI4, a12);
        FloatVector b9 = a9.rearrange(LO4, a13);
        FloatVector b13 = a9.rearrange(HI4, a13);
        FloatVector b10 = a10.rearrange(LO4, a14);
        FloatVector b14 = a10.rearrange(HI4, a14);
        FloatVector b11 = a11.rearrange(LO4, a15);
        FloatVector b15 = a11.rearrange(HI4, a15);
        FloatVector c0 = b0.rearrange(LO2, b2);
        FloatVector c2 = b0.rearrange(HI2, b2);
        FloatVector c1 = b1.rearrange(LO2, b3);
        FloatVector c3 = b1.rearrange(HI2, b3);
        FloatVector c4 = b4.rearrange(LO2, b6);
        FloatVector c6 = b4.rearrange(HI2, b6);
        FloatVector c5 = b5.rearrange(LO2, b7);
        FloatVector c7 = b5.rearrange(HI2, b7);
        FloatVector c8 = b8.rearrange(LO2, b10);
        FloatVector c10 = b8.rearrange(HI2, b10);
        FloatVector c9 = b9.rearrange(LO2, b11);
        FloatVector c11 = b9.rearrange(HI2, b11);
        FloatVector c12 = b12.rearrange(LO2, b14);
        FloatVector c14 = b12.rearrange(HI2, b14);
        FloatVector c13 = b13.rearrange(LO2, b15);
        FloatVector c15 = b13.rearrange(HI2, b15);
        FloatVector d0 = c0.rearrange(LO1, c1);
        FloatVector d1 = c0.rearrange(HI1, c1);
        FloatVector d2 = c2.rearrange(LO1, c3);
        FloatVector d3 = c2.rearrange(HI1, c3);
        FloatVector d4 = c4.rearrange(LO1, c5);
        FloatVector d5 = c4.rearrange(HI1, c5);
        FloatVector d6 = c6.rearrange(LO1, c7);
        FloatVector d7 = c6.rearrange(HI1, c7);
        FloatVector d8 = c8.rearrange(LO1, c9);
        FloatVector d9 = c8.rearrange(HI1, c9);
        FloatVector d10 = c10.rearrange(LO1, c11);
        FloatVector d11 = c10.rearrange(HI1, c11);
        FloatVector d12 = c12.rearrange(LO1, c13);
        FloatVector d13 = c12.rearrange(HI1, c13);
        FloatVector d14 = c14.rearrange(LO1, c15);
        FloatVector d15 = c14.rearrange(HI1, c15);
        d0.intoArray(t, dst + 0 * ldt);
        d1.intoArray(t, dst + 1 * ldt);
        d2.intoArray(t, dst + 2 * ldt);
        d3.intoArray(t, dst + 3 * ldt);
        d4.intoArray(t, dst + 4 * ldt);
        d5.intoArray(t, dst + 5 * ldt);
        d6.intoArray(t, dst + 6 * ldt);
        d7.intoArray(t, dst + 7 * ldt);
        d8.intoArray(t, dst + 8 * ldt);
        d9.intoArray(t, dst + 9 * ldt);
        d10.intoArray(t, dst + 10 * ldt);
        d11.intoArray(t, dst + 11 * ldt);
        d12.intoArray(t, dst + 12 * ldt);
        d13.intoArray(t, dst + 13 * ldt);
        d14.intoArray(t, dst + 14 * ldt);
        d15.intoArray(t, dst + 15 * ldt);
    }

    /** One 8 x 8 block: rows a[src + i*lda ..], columns to t[dst + j*ldt ..]. */
    private static void block8(float[] a, int src, int lda, float[] t, int dst, int ldt) {
        FloatVector r0 = FloatVector.fromArray(S, a, src + 0 * lda);
        FloatVector r1 = FloatVector.fromArray(S, a, src + 1 * lda);
        FloatVector r2 = FloatVector.fromArray(S, a, src + 2 * lda);
        FloatVector r3 = FloatVector.fromArray(S, a, src + 3 * lda);
        FloatVector r4 = FloatVector.fromArray(S, a, src + 4 * lda);
        FloatVector r5 = FloatVector.fromArray(S, a, src + 5 * lda);
        FloatVector r6 = FloatVector.fromArray(S, a, src + 6 * lda);
        FloatVector r7 = FloatVector.fromArray(S, a, src + 7 * lda);
        FloatVector a0 = r0.rearrange(LO4, r4);
        FloatVector a4 = r0.rearrange(HI4, r4);
        FloatVector a1 = r1.rearrange(LO4, r5);
        FloatVector a5 = r1.rearrange(HI4, r5);
        FloatVector a2 = r2.rearrange(LO4, r6);
        FloatVector a6 = r2.rearrange(HI4, r6);
        FloatVector a3 = r3.rearrange(LO4, r7);
        FloatVector a7 = r3.rearrange(HI4, r7);
        FloatVector b0 = a0.rearrange(LO2, a2);
        FloatVector b2 = a0.rearrange(HI2, a2);
        FloatVector b1 = a1.rearrange(LO2, a3);
        FloatVector b3 = a1.rearrange(HI2, a3);
        FloatVector b4 = a4.rearrange(LO2, a6);
        FloatVector b6 = a4.rearrange(HI2, a6);
        FloatVector b5 = a5.rearrange(LO2, a7);
        FloatVector b7 = a5.rearrange(HI2, a7);
        FloatVector c0 = b0.rearrange(LO1, b1);
        FloatVector c1 = b0.rearrange(HI1, b1);
        FloatVector c2 = b2.rearrange(LO1, b3);
        FloatVector c3 = b2.rearrange(HI1, b3);
        FloatVector c4 = b4.rearrange(LO1, b5);
        FloatVector c5 = b4.rearrange(HI1, b5);
        FloatVector c6 = b6.rearrange(LO1, b7);
        FloatVector c7 = b6.rearrange(HI1, b7);
        c0.intoArray(t, dst + 0 * ldt);
        c1.intoArray(t, dst + 1 * ldt);
        c2.intoArray(t, dst + 2 * ldt);
        c3.intoArray(t, dst + 3 * ldt);
        c4.intoArray(t, dst + 4 * ldt);
        c5.intoArray(t, dst + 5 * ldt);
        c6.intoArray(t, dst + 6 * ldt);
        c7.intoArray(t, dst + 7 * ldt);
    }

    /** One 4 x 4 block: rows a[src + i*lda ..], columns to t[dst + j*ldt ..]. */
    private static void block4(float[] a, int src, int lda, float[] t, int dst, int ldt) {
        FloatVector r0 = FloatVector.fromArray(S, a, src + 0 * lda);
        FloatVector r1 = FloatVector.fromArray(S, a, src + 1 * lda);
        FloatVector r2 = FloatVector.fromArray(S, a, src + 2 * lda);
        FloatVector r3 = FloatVector.fromArray(S, a, src + 3 * lda);
        FloatVector a0 = r0.rearrange(LO2, r2);
        FloatVector a2 = r0.rearrange(HI2, r2);
        FloatVector a1 = r1.rearrange(LO2, r3);
        FloatVector a3 = r1.rearrange(HI2, r3);
        FloatVector b0 = a0.rearrange(LO1, a1);
        FloatVector b1 = a0.rearrange(HI1, a1);
        FloatVector b2 = a2.rearrange(LO1, a3);
        FloatVector b3 = a2.rearrange(HI1, a3);
        b0.intoArray(t, dst + 0 * ldt);
        b1.intoArray(t, dst + 1 * ldt);
        b2.intoArray(t, dst + 2 * ldt);
        b3.intoArray(t, dst + 3 * ldt);
    }
}
