package dev.vecprop.kernel;

import dev.vecprop.simd.Simd;

/**
 * The layout in which the int8 kernels ({@link Int8Gemm}) read a quantized weight {@code W [out, in]}:
 * {@code W^T} row-major, {@code kp} rows ({@code in} rounded up to even; the odd row zero) of {@link #stride}{@code (out)} bytes ({@code out} rounded up to a
 * multiple of {@link #NR}), the padding zero:
 * <pre>  Wq(k, j) = w[k * stride(out) + j]  </pre>
 * A panel is the column slice {@code [p NR, (p+1) NR)}: two float vectors' worth of outputs once
 * widened, so a kernel loads a panel row with one byte vector per float vector and needs no mask. One
 * input's weights for all outputs are contiguous: a request with few non-zero inputs reads a few
 * contiguous runs instead of one line per panel. {@code NR} depends on the vector width in use: the
 * layout is only meaningful in the JVM that packed it (checkpoints hold the PyTorch-ordered
 * {@code [out, in]} bytes).
 */
public final class Int8Panels {
    /** Outputs per panel: two vectors of floats (16 in the scalar configuration). */
    public static final int NR = Simd.ENABLED ? 2 * Simd.LANES : 16;

    private Int8Panels() {}

    /** {@return {@code in} rounded up to even: the rows of a panel} */
    public static int rows(int in) {
        return in + (in & 1);
    }

    /** {@return bytes between consecutive rows: {@code out} rounded up to a multiple of {@link #NR}} */
    public static int stride(int out) {
        return Math.multiplyExact((out + NR - 1) / NR, NR);
    }

    /** {@return bytes needed for an {@code [out, in]} weight in this layout} */
    public static int size(int out, int in) {
        return Math.multiplyExact(rows(in), stride(out));
    }

    /**
     * Packs a row-major {@code [out, in]} int8 weight (values in {@code [-127, 127]}, as floats: the
     * parameter store holds them so) into panel layout.
     *
     * @param q   the weight, {@code q[qo + j * in + k]} = {@code Wq(k, j)}
     * @param qo  where it starts
     * @param out outputs
     * @param in  inputs
     * @return the packed weight, {@link #size} bytes
     */
    public static byte[] pack(float[] q, int qo, int out, int in) {
        int ld = stride(out);
        byte[] p = new byte[size(out, in)];
        for (int j = 0; j < out; j++) {
            for (int k = 0; k < in; k++) {
                p[k * ld + j] = (byte) q[qo + j * in + k];
            }
        }
        return p;
    }
}
