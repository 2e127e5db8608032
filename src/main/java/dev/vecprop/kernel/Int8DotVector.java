package dev.vecprop.kernel;

import dev.vecprop.simd.FloatSpecies;
import dev.vecprop.simd.Simd;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernels of {@link Int8Gemm}'s int32 path ({@link Int8Gemm#int8}, {@link Int8Gemm#quantize}):
 * a panel row of {@link Int8Panels#NR} = 2L bytes read as two L-byte vectors widened to int32 lanes
 * ({@code B2I}), multiplied by the broadcast input byte and added exactly. Tiles of {@value #MR_WIDE}
 * rows with 32 registers, {@value #MR_NARROW} with 16 (two int accumulators per row), one row for what
 * is left. Measured and benchmarked ({@code Int8GemmBench.int8}); the quantized layers compute int8
 * activations in {@link Int8GemmVector}'s float lanes instead (docs/QUANTIZATION.md says why). No vector
 * crosses a method boundary.
 */
final class Int8DotVector {
    private static final VectorSpecies<Float> S = FloatSpecies.SPECIES;
    private static final int L = S.length();
    private static final int NR = Int8Panels.NR;
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, 8 * L)));
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());
    static final int MR_WIDE = 12;
    static final int MR_NARROW = 6;
    /** Rows per tile: one shape per register file. */
    static final int MR = Simd.REGISTERS >= 32 ? MR_WIDE : MR_NARROW;

    private Int8DotVector() {}

    /** Per-thread scratch: the kept inputs of a tile, and one tile's raw sums for a ragged last panel. */
    private static final class Scratch {
        int[] keep = new int[0];
        final float[] tile = new float[MR_WIDE * NR];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static Scratch scratch(int in) {
        Scratch s = SCRATCH.get();
        if (s.keep.length < in) {
            s.keep = new int[in];
        }
        return s;
    }

    /** {@code k < in} where any of {@code rows} rows (kp bytes apart from {@code xq[xr]}) has a non-zero byte. */
    private static int keptBytes(byte[] xq, int xr, int kp, int in, int rows, int[] keep) {
        int n = 0;
        for (int k = 0; k < in; k++) {
            int any = 0;
            for (int r = 0; r < rows; r++) {
                any |= xq[xr + r * kp + k];
            }
            keep[n] = k;
            n += any != 0 ? 1 : 0;
        }
        return n;
    }

    /** The epilogue of a ragged last panel: raw sums of {@code rows} rows in {@code tile} ({@code NR} apart). */
    private static void ragged(float[] tile, int rows, float[] scale, float[] bias, boolean relu, int j0, int out,
                               float[] y, int yr) {
        int nv = out - j0;
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < nv; t++) {
                int j = j0 + t;
                y[yr + r * out + j] = Int8Gemm.epilogue(tile[r * NR + t], scale[j], bias == null ? 0f : bias[j], relu);
            }
        }
    }

    static void int8(int n, int in, int out, byte[] xq, int qo, byte[] w, float[] scale, float[] bias,
                     boolean relu, float[] y, int yo) {
        Scratch s = scratch(in);
        int[] keep = s.keep;
        int kp = Int8Panels.rows(in);
        int ld = Int8Panels.stride(out);
        int panels = (out + NR - 1) / NR;
        int r = 0;
        for (; r + MR <= n; r += MR) {
            int xr = qo + r * kp;
            int yr = yo + r * out;
            int nk = keptBytes(xq, xr, kp, in, MR, keep);
            for (int p = 0; p < panels; p++) {
                if (MR == MR_WIDE) {
                    tileI12(xq, xr, kp, keep, nk, w, p * NR, ld, scale, bias, relu, p * NR, out, y, yr, s.tile);
                } else {
                    tileI6(xq, xr, kp, keep, nk, w, p * NR, ld, scale, bias, relu, p * NR, out, y, yr, s.tile);
                }
            }
        }
        for (; r < n; r++) {
            int xr = qo + r * kp;
            int yr = yo + r * out;
            int nk = keptBytes(xq, xr, kp, in, 1, keep);
            for (int p = 0; p < panels; p++) {
                tileI1(xq, xr, kp, keep, nk, w, p * NR, ld, scale, bias, relu, p * NR, out, y, yr, s.tile);
            }
        }
    }

    static boolean quantize(int n, int in, float[] x, int xo, float invScale, byte[] xq, int qo) {
        int kp = Int8Panels.rows(in);
        VectorMask<Float> finite = S.maskAll(true);
        boolean finiteTail = true;
        int vec = in - in % L;
        FloatVector lo = FloatVector.broadcast(S, -127f), hi = FloatVector.broadcast(S, 127f);
        FloatVector round = FloatVector.broadcast(S, Int8Gemm.ROUND);
        for (int r = 0; r < n; r++) {
            int xr = xo + r * in;
            int qr = qo + r * kp;
            int k = 0;
            for (; k < vec; k += L) {
                FloatVector v = FloatVector.fromArray(S, x, xr + k);
                finite = finite.and(v.test(VectorOperators.IS_FINITE));
                FloatVector t = v.mul(invScale).max(lo).min(hi).add(round).sub(round);
                ((ByteVector) t.convertShape(VectorOperators.F2I, I, 0).convertShape(VectorOperators.I2B, B, 0))
                        .intoArray(xq, qr + k);
            }
            for (; k < in; k++) {
                float v = x[xr + k];
                finiteTail &= Float.isFinite(v);
                xq[qr + k] = Int8Gemm.quantizeOne(v, invScale);
            }
            if (kp != in) {
                xq[qr + in] = 0;
            }
        }
        return finiteTail && finite.allTrue();
    }

    /**
     * 12 rows by one panel over the kept inputs of the tile, epilogue fused; 24 int accumulators.
     */
    private static void tileI12(byte[] xq, int xr, int kp, int[] keep, int nk, byte[] w, int base, int ld,
                                 float[] scale, float[] bias, boolean relu, int j0, int out, float[] y, int yr, float[] tile) {
        IntVector a00 = IntVector.zero(I), a01 = IntVector.zero(I);
        IntVector a10 = IntVector.zero(I), a11 = IntVector.zero(I);
        IntVector a20 = IntVector.zero(I), a21 = IntVector.zero(I);
        IntVector a30 = IntVector.zero(I), a31 = IntVector.zero(I);
        IntVector a40 = IntVector.zero(I), a41 = IntVector.zero(I);
        IntVector a50 = IntVector.zero(I), a51 = IntVector.zero(I);
        IntVector a60 = IntVector.zero(I), a61 = IntVector.zero(I);
        IntVector a70 = IntVector.zero(I), a71 = IntVector.zero(I);
        IntVector a80 = IntVector.zero(I), a81 = IntVector.zero(I);
        IntVector a90 = IntVector.zero(I), a91 = IntVector.zero(I);
        IntVector a100 = IntVector.zero(I), a101 = IntVector.zero(I);
        IntVector a110 = IntVector.zero(I), a111 = IntVector.zero(I);
        for (int i = 0; i < nk; i++) {
            int k = keep[i];
            int o = base + k * ld;
            IntVector w0 = (IntVector) ByteVector.fromArray(B, w, o).convertShape(VectorOperators.B2I, I, 0);
            IntVector w1 = (IntVector) ByteVector.fromArray(B, w, o + L).convertShape(VectorOperators.B2I, I, 0);
            int x0 = xq[xr + 0 * kp + k];
            a00 = a00.add(w0.mul(x0));
            a01 = a01.add(w1.mul(x0));
            int x1 = xq[xr + 1 * kp + k];
            a10 = a10.add(w0.mul(x1));
            a11 = a11.add(w1.mul(x1));
            int x2 = xq[xr + 2 * kp + k];
            a20 = a20.add(w0.mul(x2));
            a21 = a21.add(w1.mul(x2));
            int x3 = xq[xr + 3 * kp + k];
            a30 = a30.add(w0.mul(x3));
            a31 = a31.add(w1.mul(x3));
            int x4 = xq[xr + 4 * kp + k];
            a40 = a40.add(w0.mul(x4));
            a41 = a41.add(w1.mul(x4));
            int x5 = xq[xr + 5 * kp + k];
            a50 = a50.add(w0.mul(x5));
            a51 = a51.add(w1.mul(x5));
            int x6 = xq[xr + 6 * kp + k];
            a60 = a60.add(w0.mul(x6));
            a61 = a61.add(w1.mul(x6));
            int x7 = xq[xr + 7 * kp + k];
            a70 = a70.add(w0.mul(x7));
            a71 = a71.add(w1.mul(x7));
            int x8 = xq[xr + 8 * kp + k];
            a80 = a80.add(w0.mul(x8));
            a81 = a81.add(w1.mul(x8));
            int x9 = xq[xr + 9 * kp + k];
            a90 = a90.add(w0.mul(x9));
            a91 = a91.add(w1.mul(x9));
            int x10 = xq[xr + 10 * kp + k];
            a100 = a100.add(w0.mul(x10));
            a101 = a101.add(w1.mul(x10));
            int x11 = xq[xr + 11 * kp + k];
            a110 = a110.add(w0.mul(x11));
            a111 = a111.add(w1.mul(x11));
        }
        if (j0 + NR <= out) {
            FloatVector s0 = FloatVector.fromArray(S, scale, j0), s1 = FloatVector.fromArray(S, scale, j0 + L);
            FloatVector b0 = bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, j0);
            FloatVector b1 = bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, j0 + L);
            FloatVector z = relu ? FloatVector.zero(S) : FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            ((FloatVector) a00.convertShape(VectorOperators.I2F, S, 0)).fma(s0, b0).max(z).intoArray(y, yr + 0 * out + j0);
            ((FloatVector) a01.convertShape(VectorOperators.I2F, S, 0)).fma(s1, b1).max(z).intoArray(y, yr + 0 * out + j0 + L);
            ((FloatVector) a10.convertShape(VectorOperators.I2F, S, 0)).fma(s0, b0).max(z).intoArray(y, yr + 1 * out + j0);
            ((FloatVector) a11.convertShape(VectorOperators.I2F, S, 0)).fma(s1, b1).max(z).intoArray(y, yr + 1 * out + j0 + L);
            ((FloatVector) a20.convertShape(VectorOperators.I2F, S, 0)).fma(s0, b0).max(z).intoArray(y, yr + 2 * out + j0);
            ((FloatVector) a21.convertShape(VectorOperators.I2F, S, 0)).fma(s1, b1).max(z).intoArray(y, yr + 2 * out + j0 + L);
            ((FloatVector) a30.convertShape(VectorOperators.I2F, S, 0)).fma(s0, b0).max(z).intoArray(y, yr + 3 * out + j0);
            ((FloatVector) a31.convertShape(VectorOperators.I2F, S, 0)).fma(s1, b1).max(z).intoArray(y, yr + 3 * out + j0 + L);
            ((FloatVector) a40.convertShape(VectorOperators.I2F, S, 0)).fma(s0, b0).max(z).intoArray(y, yr + 4 * out + j0);
            ((FloatVector) a41.convertShape(VectorOperators.I2F, S, 0)).fma(s1, b1).max(z).intoArray(y, yr + 4 * out + j0 + L);
            ((FloatVector) a50.convertShape(VectorOperators.I2F, S, 0)).fma(s0, b0).max(z).intoArray(y, yr + 5 * out + j0);
            ((FloatVector) a51.convertShape(VectorOperators.I2F, S, 0)).fma(s1, b1).max(z).intoArray(y, yr + 5 * out + j0 + L);
            ((FloatVector) a60.convertShape(VectorOperators.I2F, S, 0)).fma(s0, b0).max(z).intoArray(y, yr + 6 * out + j0);
            ((FloatVector) a61.convertShape(VectorOperators.I2F, S, 0)).fma(s1, b1).max(z).intoArray(y, yr + 6 * out + j0 + L);
            ((FloatVector) a70.convertShape(VectorOperators.I2F, S, 0)).fma(s0, b0).max(z).intoArray(y, yr + 7 * out + j0);
            ((FloatVector) a71.convertShape(VectorOperators.I2F, S, 0)).fma(s1, b1).max(z).intoArray(y, yr + 7 * out + j0 + L);
            ((FloatVector) a80.convertShape(VectorOperators.I2F, S, 0)).fma(s0, b0).max(z).intoArray(y, yr + 8 * out + j0);
            ((FloatVector) a81.convertShape(VectorOperators.I2F, S, 0)).fma(s1, b1).max(z).intoArray(y, yr + 8 * out + j0 + L);
            ((FloatVector) a90.convertShape(VectorOperators.I2F, S, 0)).fma(s0, b0).max(z).intoArray(y, yr + 9 * out + j0);
            ((FloatVector) a91.convertShape(VectorOperators.I2F, S, 0)).fma(s1, b1).max(z).intoArray(y, yr + 9 * out + j0 + L);
            ((FloatVector) a100.convertShape(VectorOperators.I2F, S, 0)).fma(s0, b0).max(z).intoArray(y, yr + 10 * out + j0);
            ((FloatVector) a101.convertShape(VectorOperators.I2F, S, 0)).fma(s1, b1).max(z).intoArray(y, yr + 10 * out + j0 + L);
            ((FloatVector) a110.convertShape(VectorOperators.I2F, S, 0)).fma(s0, b0).max(z).intoArray(y, yr + 11 * out + j0);
            ((FloatVector) a111.convertShape(VectorOperators.I2F, S, 0)).fma(s1, b1).max(z).intoArray(y, yr + 11 * out + j0 + L);
        } else {
            ((FloatVector) a00.convertShape(VectorOperators.I2F, S, 0)).intoArray(tile, 0 * NR);
            ((FloatVector) a01.convertShape(VectorOperators.I2F, S, 0)).intoArray(tile, 0 * NR + L);
            ((FloatVector) a10.convertShape(VectorOperators.I2F, S, 0)).intoArray(tile, 1 * NR);
            ((FloatVector) a11.convertShape(VectorOperators.I2F, S, 0)).intoArray(tile, 1 * NR + L);
            ((FloatVector) a20.convertShape(VectorOperators.I2F, S, 0)).intoArray(tile, 2 * NR);
            ((FloatVector) a21.convertShape(VectorOperators.I2F, S, 0)).intoArray(tile, 2 * NR + L);
            ((FloatVector) a30.convertShape(VectorOperators.I2F, S, 0)).intoArray(tile, 3 * NR);
            ((FloatVector) a31.convertShape(VectorOperators.I2F, S, 0)).intoArray(tile, 3 * NR + L);
            ((FloatVector) a40.convertShape(VectorOperators.I2F, S, 0)).intoArray(tile, 4 * NR);
            ((FloatVector) a41.convertShape(VectorOperators.I2F, S, 0)).intoArray(tile, 4 * NR + L);
            ((FloatVector) a50.convertShape(VectorOperators.I2F, S, 0)).intoArray(tile, 5 * NR);
            ((FloatVector) a51.convertShape(VectorOperators.I2F, S, 0)).intoArray(tile, 5 * NR + L);
            ((FloatVector) a60.convertShape(VectorOperators.I2F, S, 0)).intoArray(tile, 6 * NR);
            ((FloatVector) a61.convertShape(VectorOperators.I2F, S, 0)).intoArray(tile, 6 * NR + L);
            ((FloatVector) a70.convertShape(VectorOperators.I2F, S, 0)).intoArray(tile, 7 * NR);
            ((FloatVector) a71.convertShape(VectorOperators.I2F, S, 0)).intoArray(tile, 7 * NR + L);
            ((FloatVector) a80.convertShape(VectorOperators.I2F, S, 0)).intoArray(tile, 8 * NR);
            ((FloatVector) a81.convertShape(VectorOperators.I2F, S, 0)).intoArray(tile, 8 * NR + L);
            ((FloatVector) a90.convertShape(VectorOperators.I2F, S, 0)).intoArray(tile, 9 * NR);
            ((FloatVector) a91.convertShape(VectorOperators.I2F, S, 0)).intoArray(tile, 9 * NR + L);
            ((FloatVector) a100.convertShape(VectorOperators.I2F, S, 0)).intoArray(tile, 10 * NR);
            ((FloatVector) a101.convertShape(VectorOperators.I2F, S, 0)).intoArray(tile, 10 * NR + L);
            ((FloatVector) a110.convertShape(VectorOperators.I2F, S, 0)).intoArray(tile, 11 * NR);
            ((FloatVector) a111.convertShape(VectorOperators.I2F, S, 0)).intoArray(tile, 11 * NR + L);
            ragged(tile, 12, scale, bias, relu, j0, out, y, yr);
        }
    }

    /**
     * 6 rows by one panel over the kept inputs of the tile, epilogue fused; 12 int accumulators.
     */
    private static void tileI6(byte[] xq, int xr, int kp, int[] keep, int nk, byte[] w, int base, int ld,
                                 float[] scale, float[] bias, boolean relu, int j0, int out, float[] y, int yr, float[] tile) {
        IntVector a00 = IntVector.zero(I), a01 = IntVector.zero(I);
        IntVector a10 = IntVector.zero(I), a11 = IntVector.zero(I);
        IntVector a20 = IntVector.zero(I), a21 = IntVector.zero(I);
        IntVector a30 = IntVector.zero(I), a31 = IntVector.zero(I);
        IntVector a40 = IntVector.zero(I), a41 = IntVector.zero(I);
        IntVector a50 = IntVector.zero(I), a51 = IntVector.zero(I);
        for (int i = 0; i < nk; i++) {
            int k = keep[i];
            int o = base + k * ld;
            IntVector w0 = (IntVector) ByteVector.fromArray(B, w, o).convertShape(VectorOperators.B2I, I, 0);
            IntVector w1 = (IntVector) ByteVector.fromArray(B, w, o + L).convertShape(VectorOperators.B2I, I, 0);
            int x0 = xq[xr + 0 * kp + k];
            a00 = a00.add(w0.mul(x0));
            a01 = a01.add(w1.mul(x0));
            int x1 = xq[xr + 1 * kp + k];
            a10 = a10.add(w0.mul(x1));
            a11 = a11.add(w1.mul(x1));
            int x2 = xq[xr + 2 * kp + k];
            a20 = a20.add(w0.mul(x2));
            a21 = a21.add(w1.mul(x2));
            int x3 = xq[xr + 3 * kp + k];
            a30 = a30.add(w0.mul(x3));
            a31 = a31.add(w1.mul(x3));
            int x4 = xq[xr + 4 * kp + k];
            a40 = a40.add(w0.mul(x4));
            a41 = a41.add(w1.mul(x4));
            int x5 = xq[xr + 5 * kp + k];
            a50 = a50.add(w0.mul(x5));
            a51 = a51.add(w1.mul(x5));
        }
        if (j0 + NR <= out) {
            FloatVector s0 = FloatVector.fromArray(S, scale, j0), s1 = FloatVector.fromArray(S, scale, j0 + L);
            FloatVector b0 = bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, j0);
            FloatVector b1 = bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, j0 + L);
            FloatVector z = relu ? FloatVector.zero(S) : FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            ((FloatVector) a00.convertShape(VectorOperators.I2F, S, 0)).fma(s0, b0).max(z).intoArray(y, yr + 0 * out + j0);
            ((FloatVector) a01.convertShape(VectorOperators.I2F, S, 0)).fma(s1, b1).max(z).intoArray(y, yr + 0 * out + j0 + L);
            ((FloatVector) a10.convertShape(VectorOperators.I2F, S, 0)).fma(s0, b0).max(z).intoArray(y, yr + 1 * out + j0);
            ((FloatVector) a11.convertShape(VectorOperators.I2F, S, 0)).fma(s1, b1).max(z).intoArray(y, yr + 1 * out + j0 + L);
            ((FloatVector) a20.convertShape(VectorOperators.I2F, S, 0)).fma(s0, b0).max(z).intoArray(y, yr + 2 * out + j0);
            ((FloatVector) a21.convertShape(VectorOperators.I2F, S, 0)).fma(s1, b1).max(z).intoArray(y, yr + 2 * out + j0 + L);
            ((FloatVector) a30.convertShape(VectorOperators.I2F, S, 0)).fma(s0, b0).max(z).intoArray(y, yr + 3 * out + j0);
            ((FloatVector) a31.convertShape(VectorOperators.I2F, S, 0)).fma(s1, b1).max(z).intoArray(y, yr + 3 * out + j0 + L);
            ((FloatVector) a40.convertShape(VectorOperators.I2F, S, 0)).fma(s0, b0).max(z).intoArray(y, yr + 4 * out + j0);
            ((FloatVector) a41.convertShape(VectorOperators.I2F, S, 0)).fma(s1, b1).max(z).intoArray(y, yr + 4 * out + j0 + L);
            ((FloatVector) a50.convertShape(VectorOperators.I2F, S, 0)).fma(s0, b0).max(z).intoArray(y, yr + 5 * out + j0);
            ((FloatVector) a51.convertShape(VectorOperators.I2F, S, 0)).fma(s1, b1).max(z).intoArray(y, yr + 5 * out + j0 + L);
        } else {
            ((FloatVector) a00.convertShape(VectorOperators.I2F, S, 0)).intoArray(tile, 0 * NR);
            ((FloatVector) a01.convertShape(VectorOperators.I2F, S, 0)).intoArray(tile, 0 * NR + L);
            ((FloatVector) a10.convertShape(VectorOperators.I2F, S, 0)).intoArray(tile, 1 * NR);
            ((FloatVector) a11.convertShape(VectorOperators.I2F, S, 0)).intoArray(tile, 1 * NR + L);
            ((FloatVector) a20.convertShape(VectorOperators.I2F, S, 0)).intoArray(tile, 2 * NR);
            ((FloatVector) a21.convertShape(VectorOperators.I2F, S, 0)).intoArray(tile, 2 * NR + L);
            ((FloatVector) a30.convertShape(VectorOperators.I2F, S, 0)).intoArray(tile, 3 * NR);
            ((FloatVector) a31.convertShape(VectorOperators.I2F, S, 0)).intoArray(tile, 3 * NR + L);
            ((FloatVector) a40.convertShape(VectorOperators.I2F, S, 0)).intoArray(tile, 4 * NR);
            ((FloatVector) a41.convertShape(VectorOperators.I2F, S, 0)).intoArray(tile, 4 * NR + L);
            ((FloatVector) a50.convertShape(VectorOperators.I2F, S, 0)).intoArray(tile, 5 * NR);
            ((FloatVector) a51.convertShape(VectorOperators.I2F, S, 0)).intoArray(tile, 5 * NR + L);
            ragged(tile, 6, scale, bias, relu, j0, out, y, yr);
        }
    }

    /**
     * 1 row by one panel over the kept inputs of the tile, epilogue fused; 2 int accumulators.
     */
    private static void tileI1(byte[] xq, int xr, int kp, int[] keep, int nk, byte[] w, int base, int ld,
                                 float[] scale, float[] bias, boolean relu, int j0, int out, float[] y, int yr, float[] tile) {
        IntVector a00 = IntVector.zero(I), a01 = IntVector.zero(I);
        for (int i = 0; i < nk; i++) {
            int k = keep[i];
            int o = base + k * ld;
            IntVector w0 = (IntVector) ByteVector.fromArray(B, w, o).convertShape(VectorOperators.B2I, I, 0);
            IntVector w1 = (IntVector) ByteVector.fromArray(B, w, o + L).convertShape(VectorOperators.B2I, I, 0);
            int x0 = xq[xr + 0 * kp + k];
            a00 = a00.add(w0.mul(x0));
            a01 = a01.add(w1.mul(x0));
        }
        if (j0 + NR <= out) {
            FloatVector s0 = FloatVector.fromArray(S, scale, j0), s1 = FloatVector.fromArray(S, scale, j0 + L);
            FloatVector b0 = bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, j0);
            FloatVector b1 = bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, j0 + L);
            FloatVector z = relu ? FloatVector.zero(S) : FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            ((FloatVector) a00.convertShape(VectorOperators.I2F, S, 0)).fma(s0, b0).max(z).intoArray(y, yr + 0 * out + j0);
            ((FloatVector) a01.convertShape(VectorOperators.I2F, S, 0)).fma(s1, b1).max(z).intoArray(y, yr + 0 * out + j0 + L);
        } else {
            ((FloatVector) a00.convertShape(VectorOperators.I2F, S, 0)).intoArray(tile, 0 * NR);
            ((FloatVector) a01.convertShape(VectorOperators.I2F, S, 0)).intoArray(tile, 0 * NR + L);
            ragged(tile, 1, scale, bias, relu, j0, out, y, yr);
        }
    }
}
