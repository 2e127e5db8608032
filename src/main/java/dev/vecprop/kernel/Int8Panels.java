package dev.vecprop.kernel;

import dev.vecprop.simd.Simd;

/**
 * The layout in which the int8 kernels ({@link Int8Gemm}) read a quantized weight {@code W [out, in]}:
 * column panels of {@link #NR} outputs, each a contiguous run of {@code kp} rows of {@code NR} bytes
 * ({@code kp = in} rounded up to even, so the int8-activation kernel can take the rows in pairs), the
 * last panel and the odd row zero-padded:
 * <pre>  Wq(k, j) = panels[(j / NR) * kp * NR + k * NR + j % NR]  </pre>
 * One row of a panel is two float vectors' worth of outputs once widened, so a kernel loads it with one
 * byte vector per float vector and needs no mask. {@code NR} depends on the vector width in use: the
 * layout is only meaningful in the JVM that packed it (checkpoints hold the PyTorch-ordered {@code [out, in]}
 * bytes).
 */
public final class Int8Panels {
    /** Outputs per panel: two vectors of floats (16 in the scalar configuration). */
    public static final int NR = Simd.ENABLED ? 2 * Simd.LANES : 16;

    private Int8Panels() {}

    /** {@return {@code in} rounded up to even: the rows of a panel} */
    public static int rows(int in) {
        return in + (in & 1);
    }

    /** {@return bytes needed for an {@code [out, in]} weight in panel layout} */
    public static int size(int out, int in) {
        int panels = (out + NR - 1) / NR;
        return Math.multiplyExact(Math.multiplyExact(panels, rows(in)), NR);
    }

    /**
     * Packs a row-major {@code [out, in]} int8 weight (values in {@code [-127, 127]}, as floats: the
     * parameter store holds them so) into panel layout.
     *
     * @param q   the weight, {@code q[qo + j * in + k]} = {@code Wq(k, j)}
     * @param qo  where it starts
     * @param out outputs
     * @param in  inputs
     * @return the panels, {@link #size} bytes
     */
    public static byte[] pack(float[] q, int qo, int out, int in) {
        int kp = rows(in);
        byte[] p = new byte[size(out, in)];
        for (int j = 0; j < out; j++) {
            int base = (j / NR) * kp * NR + j % NR;
            for (int k = 0; k < in; k++) {
                p[base + k * NR] = (byte) q[qo + j * in + k];
            }
        }
        return p;
    }
}
