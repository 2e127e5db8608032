package dev.vecprop.kernel;

import dev.vecprop.simd.FloatSpecies;
import dev.vecprop.simd.Simd;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernels of {@link Int8Gemm}'s weight-only path (and the quantizer to exact floats):
 * a panel row of {@link Int8Panels#NR} = 2L bytes read as two L-byte vectors widened to float. One row
 * at a time (batch 1; larger batches go through the float GEMM on widened panels, see
 * {@link Int8Gemm#toFloatPanels}), eight panels at a time with 32 registers, four with 16, in the GEMM's
 * K blocks. The int32 path is {@link Int8DotVector}. No vector crosses a method boundary (a helper
 * taking vectors boxes them wherever C2 does not inline it).
 */
final class Int8GemmVector {
    private static final VectorSpecies<Float> S = FloatSpecies.SPECIES;
    private static final int L = S.length();
    private static final int NR = Int8Panels.NR;
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, 8 * L)));

    /** Eight panels at a time (16 accumulators) with 32 registers, four with 16: one shape per register file. */
    private static final boolean WIDE = Simd.REGISTERS >= 32;

    private Int8GemmVector() {}

    /** Per-thread scratch: the kept inputs of a row, and one panel's raw sums for a ragged last panel. */
    private static final class Scratch {
        int[] keep = new int[0];
        final float[] tile = new float[NR];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static Scratch scratch(int in) {
        Scratch s = SCRATCH.get();
        if (s.keep.length < in + NonzeroInputs.slack()) {
            s.keep = new int[in + NonzeroInputs.slack()];
        }
        return s;
    }



    static void weightOnly(int n, int in, int out, float[] x, int xo, byte[] w, float[] scale, float[] bias,
                           boolean relu, float[] y, int yo) {
        Scratch s = scratch(in);
        int[] keep = s.keep;
        int ld = Int8Panels.stride(out);
        int panels = (out + NR - 1) / NR;
        int full = out / NR;
        int step = PanelGemv.kcStep(in);
        for (int r = 0; r < n; r++) {
            int xr = xo + r * in;
            int yr = yo + r * out;
            for (int pc = 0; pc < in; pc += step) {
                int nk = NonzeroInputs.kept(x, xr, pc, Math.min(in, pc + step), keep);
                boolean first = pc == 0;
                int p = 0;
                if (WIDE) {
                    for (; p + 8 <= full; p += 8) {
                        rowW8(x, xr, keep, nk, w, p * NR, ld, y, yr + p * NR, first);
                    }
                }
                for (; p + 4 <= full; p += 4) {
                    rowW4(x, xr, keep, nk, w, p * NR, ld, y, yr + p * NR, first);
                }
                for (; p < panels; p++) {
                    rowW1(x, xr, keep, nk, w, p * NR, ld, y, yr + p * NR, Math.min(NR, out - p * NR), first, s.tile);
                }
            }
        }
        scaleRows(n, out, y, yo, scale, bias, relu);
    }

    /** {@code y = max?(fma(y, scale_j, bias_j))} over n rows of out (the scalar tail of a row as {@link Int8Gemm#epilogue}). */
    static void scaleRows(int n, int out, float[] y, int yo, float[] scale, float[] bias, boolean relu) {
        FloatVector z = relu ? FloatVector.zero(S) : FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int vec = out - out % L;
        for (int r = 0; r < n; r++) {
            int yr = yo + r * out;
            int j = 0;
            for (; j < vec; j += L) {
                FloatVector b = bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, j);
                FloatVector.fromArray(S, y, yr + j).fma(FloatVector.fromArray(S, scale, j), b).max(z).intoArray(y, yr + j);
            }
            for (; j < out; j++) {
                y[yr + j] = Int8Gemm.epilogue(y[yr + j], scale[j], bias == null ? 0f : bias[j], relu);
            }
        }
    }

    /** Eight whole panels (adjacent column slices) of one row over the kept inputs of a K block (32 registers): raw sums, stored or added. */
    private static void rowW8(float[] x, int xr, int[] keep, int nk, byte[] w, int base, int ld,
                              float[] y, int yo, boolean first) {
        FloatVector a00 = FloatVector.zero(S), a01 = FloatVector.zero(S);
        FloatVector a10 = FloatVector.zero(S), a11 = FloatVector.zero(S);
        FloatVector a20 = FloatVector.zero(S), a21 = FloatVector.zero(S);
        FloatVector a30 = FloatVector.zero(S), a31 = FloatVector.zero(S);
        FloatVector a40 = FloatVector.zero(S), a41 = FloatVector.zero(S);
        FloatVector a50 = FloatVector.zero(S), a51 = FloatVector.zero(S);
        FloatVector a60 = FloatVector.zero(S), a61 = FloatVector.zero(S);
        FloatVector a70 = FloatVector.zero(S), a71 = FloatVector.zero(S);
        for (int i = 0; i < nk; i++) {
            int k = keep[i];
            FloatVector xk = FloatVector.broadcast(S, x[xr + k]);
            int o = base + k * ld;
            a00 = xk.fma((FloatVector) ByteVector.fromArray(B, w, o).convertShape(VectorOperators.B2F, S, 0), a00);
            a01 = xk.fma((FloatVector) ByteVector.fromArray(B, w, o + L).convertShape(VectorOperators.B2F, S, 0), a01);
            a10 = xk.fma((FloatVector) ByteVector.fromArray(B, w, o + 1 * NR).convertShape(VectorOperators.B2F, S, 0), a10);
            a11 = xk.fma((FloatVector) ByteVector.fromArray(B, w, o + 1 * NR + L).convertShape(VectorOperators.B2F, S, 0), a11);
            a20 = xk.fma((FloatVector) ByteVector.fromArray(B, w, o + 2 * NR).convertShape(VectorOperators.B2F, S, 0), a20);
            a21 = xk.fma((FloatVector) ByteVector.fromArray(B, w, o + 2 * NR + L).convertShape(VectorOperators.B2F, S, 0), a21);
            a30 = xk.fma((FloatVector) ByteVector.fromArray(B, w, o + 3 * NR).convertShape(VectorOperators.B2F, S, 0), a30);
            a31 = xk.fma((FloatVector) ByteVector.fromArray(B, w, o + 3 * NR + L).convertShape(VectorOperators.B2F, S, 0), a31);
            a40 = xk.fma((FloatVector) ByteVector.fromArray(B, w, o + 4 * NR).convertShape(VectorOperators.B2F, S, 0), a40);
            a41 = xk.fma((FloatVector) ByteVector.fromArray(B, w, o + 4 * NR + L).convertShape(VectorOperators.B2F, S, 0), a41);
            a50 = xk.fma((FloatVector) ByteVector.fromArray(B, w, o + 5 * NR).convertShape(VectorOperators.B2F, S, 0), a50);
            a51 = xk.fma((FloatVector) ByteVector.fromArray(B, w, o + 5 * NR + L).convertShape(VectorOperators.B2F, S, 0), a51);
            a60 = xk.fma((FloatVector) ByteVector.fromArray(B, w, o + 6 * NR).convertShape(VectorOperators.B2F, S, 0), a60);
            a61 = xk.fma((FloatVector) ByteVector.fromArray(B, w, o + 6 * NR + L).convertShape(VectorOperators.B2F, S, 0), a61);
            a70 = xk.fma((FloatVector) ByteVector.fromArray(B, w, o + 7 * NR).convertShape(VectorOperators.B2F, S, 0), a70);
            a71 = xk.fma((FloatVector) ByteVector.fromArray(B, w, o + 7 * NR + L).convertShape(VectorOperators.B2F, S, 0), a71);
        }
        if (!first) {
            a00 = a00.add(FloatVector.fromArray(S, y, yo + 0 * NR));
            a01 = a01.add(FloatVector.fromArray(S, y, yo + 0 * NR + L));
            a10 = a10.add(FloatVector.fromArray(S, y, yo + 1 * NR));
            a11 = a11.add(FloatVector.fromArray(S, y, yo + 1 * NR + L));
            a20 = a20.add(FloatVector.fromArray(S, y, yo + 2 * NR));
            a21 = a21.add(FloatVector.fromArray(S, y, yo + 2 * NR + L));
            a30 = a30.add(FloatVector.fromArray(S, y, yo + 3 * NR));
            a31 = a31.add(FloatVector.fromArray(S, y, yo + 3 * NR + L));
            a40 = a40.add(FloatVector.fromArray(S, y, yo + 4 * NR));
            a41 = a41.add(FloatVector.fromArray(S, y, yo + 4 * NR + L));
            a50 = a50.add(FloatVector.fromArray(S, y, yo + 5 * NR));
            a51 = a51.add(FloatVector.fromArray(S, y, yo + 5 * NR + L));
            a60 = a60.add(FloatVector.fromArray(S, y, yo + 6 * NR));
            a61 = a61.add(FloatVector.fromArray(S, y, yo + 6 * NR + L));
            a70 = a70.add(FloatVector.fromArray(S, y, yo + 7 * NR));
            a71 = a71.add(FloatVector.fromArray(S, y, yo + 7 * NR + L));
        }
        a00.intoArray(y, yo + 0 * NR);
        a01.intoArray(y, yo + 0 * NR + L);
        a10.intoArray(y, yo + 1 * NR);
        a11.intoArray(y, yo + 1 * NR + L);
        a20.intoArray(y, yo + 2 * NR);
        a21.intoArray(y, yo + 2 * NR + L);
        a30.intoArray(y, yo + 3 * NR);
        a31.intoArray(y, yo + 3 * NR + L);
        a40.intoArray(y, yo + 4 * NR);
        a41.intoArray(y, yo + 4 * NR + L);
        a50.intoArray(y, yo + 5 * NR);
        a51.intoArray(y, yo + 5 * NR + L);
        a60.intoArray(y, yo + 6 * NR);
        a61.intoArray(y, yo + 6 * NR + L);
        a70.intoArray(y, yo + 7 * NR);
        a71.intoArray(y, yo + 7 * NR + L);
    }

    /** Four whole panels (adjacent column slices) of one row over the kept inputs of a K block: raw sums, stored or added. */
    private static void rowW4(float[] x, int xr, int[] keep, int nk, byte[] w, int base, int ld,
                              float[] y, int yo, boolean first) {
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S);
        FloatVector b0 = FloatVector.zero(S), b1 = FloatVector.zero(S);
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S);
        FloatVector d0 = FloatVector.zero(S), d1 = FloatVector.zero(S);
        for (int i = 0; i < nk; i++) {
            int k = keep[i];
            FloatVector xk = FloatVector.broadcast(S, x[xr + k]);
            int o = base + k * ld;
            a0 = xk.fma((FloatVector) ByteVector.fromArray(B, w, o).convertShape(VectorOperators.B2F, S, 0), a0);
            a1 = xk.fma((FloatVector) ByteVector.fromArray(B, w, o + L).convertShape(VectorOperators.B2F, S, 0), a1);
            b0 = xk.fma((FloatVector) ByteVector.fromArray(B, w, o + NR).convertShape(VectorOperators.B2F, S, 0), b0);
            b1 = xk.fma((FloatVector) ByteVector.fromArray(B, w, o + NR + L).convertShape(VectorOperators.B2F, S, 0), b1);
            c0 = xk.fma((FloatVector) ByteVector.fromArray(B, w, o + 2 * NR).convertShape(VectorOperators.B2F, S, 0), c0);
            c1 = xk.fma((FloatVector) ByteVector.fromArray(B, w, o + 2 * NR + L).convertShape(VectorOperators.B2F, S, 0), c1);
            d0 = xk.fma((FloatVector) ByteVector.fromArray(B, w, o + 3 * NR).convertShape(VectorOperators.B2F, S, 0), d0);
            d1 = xk.fma((FloatVector) ByteVector.fromArray(B, w, o + 3 * NR + L).convertShape(VectorOperators.B2F, S, 0), d1);
        }
        if (!first) {
            a0 = a0.add(FloatVector.fromArray(S, y, yo));
            a1 = a1.add(FloatVector.fromArray(S, y, yo + L));
            b0 = b0.add(FloatVector.fromArray(S, y, yo + NR));
            b1 = b1.add(FloatVector.fromArray(S, y, yo + NR + L));
            c0 = c0.add(FloatVector.fromArray(S, y, yo + 2 * NR));
            c1 = c1.add(FloatVector.fromArray(S, y, yo + 2 * NR + L));
            d0 = d0.add(FloatVector.fromArray(S, y, yo + 3 * NR));
            d1 = d1.add(FloatVector.fromArray(S, y, yo + 3 * NR + L));
        }
        a0.intoArray(y, yo);
        a1.intoArray(y, yo + L);
        b0.intoArray(y, yo + NR);
        b1.intoArray(y, yo + NR + L);
        c0.intoArray(y, yo + 2 * NR);
        c1.intoArray(y, yo + 2 * NR + L);
        d0.intoArray(y, yo + 3 * NR);
        d1.intoArray(y, yo + 3 * NR + L);
    }

    /** One panel of one row over the kept inputs of a K block into its {@code nv} outputs: raw sums, stored or added. */
    private static void rowW1(float[] x, int xr, int[] keep, int nk, byte[] w, int base, int ld,
                              float[] y, int yo, int nv, boolean first, float[] tile) {
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S);
        for (int i = 0; i < nk; i++) {
            int k = keep[i];
            FloatVector xk = FloatVector.broadcast(S, x[xr + k]);
            int o = base + k * ld;
            a0 = xk.fma((FloatVector) ByteVector.fromArray(B, w, o).convertShape(VectorOperators.B2F, S, 0), a0);
            a1 = xk.fma((FloatVector) ByteVector.fromArray(B, w, o + L).convertShape(VectorOperators.B2F, S, 0), a1);
        }
        if (nv == NR) {
            if (!first) {
                a0 = a0.add(FloatVector.fromArray(S, y, yo));
                a1 = a1.add(FloatVector.fromArray(S, y, yo + L));
            }
            a0.intoArray(y, yo);
            a1.intoArray(y, yo + L);
        } else {
            a0.intoArray(tile, 0);
            a1.intoArray(tile, L);
            for (int t = 0; t < nv; t++) {
                y[yo + t] = first ? tile[t] : tile[t] + y[yo + t];
            }
        }
    }

    /** Exact widening of the int8 panels ({@code kp} rows each) into float panels of {@code in} rows ({@code Panels} layout, NR equal). */
    static void toFloat(byte[] w, int out, int in, float[] dst, int dOff) {
        int ld = Int8Panels.stride(out);
        int panels = (out + NR - 1) / NR;
        for (int p = 0; p < panels; p++) {
            int src = p * NR;
            int d = dOff + p * in * NR;
            for (int k = 0; k < in; k++) {
                ((FloatVector) ByteVector.fromArray(B, w, src + k * ld).convertShape(VectorOperators.B2F, S, 0))
                        .intoArray(dst, d + k * NR);
                ((FloatVector) ByteVector.fromArray(B, w, src + k * ld + L).convertShape(VectorOperators.B2F, S, 0))
                        .intoArray(dst, d + k * NR + L);
            }
        }
    }


    static boolean quantizeToFloat(int count, float[] x, int xo, float invScale, float[] dst, int dOff) {
        VectorMask<Float> finite = S.maskAll(true);
        boolean finiteTail = true;
        FloatVector lo = FloatVector.broadcast(S, -127f), hi = FloatVector.broadcast(S, 127f);
        FloatVector round = FloatVector.broadcast(S, Int8Gemm.ROUND);
        int vec = count - count % L;
        int i = 0;
        for (; i < vec; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            finite = finite.and(v.test(VectorOperators.IS_FINITE));
            v.mul(invScale).max(lo).min(hi).add(round).sub(round).intoArray(dst, dOff + i);
        }
        for (; i < count; i++) {
            float v = x[xo + i];
            finiteTail &= Float.isFinite(v);
            dst[dOff + i] = Int8Gemm.quantizeOne(v, invScale);
        }
        return finiteTail && finite.allTrue();
    }




}
