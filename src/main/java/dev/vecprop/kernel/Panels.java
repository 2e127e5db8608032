package dev.vecprop.kernel;

import dev.vecprop.simd.GemmTiling;

/**
 * The packed panel layout in which a GEMM B operand is consumed (and in which a C can be
 * written): a {@code rows x cols} matrix is cut into column panels {@link #width()} wide (the last
 * one zero-padded), each panel a contiguous row-major {@code rows x NR} block:
 * <pre>  X(r,c) = x[off + (c/NR)*stride + r*NR + c%NR],  stride = rows*NR  </pre>
 * A layer can keep its weights in this layout permanently: the GEMM then reads them without
 * repacking, and an elementwise optimizer does not care about the order (the padding stays zero,
 * because its gradient is zero). Conversion to a plain layout happens only at the checkpoint
 * boundary. The width depends on the vector width in use, so a packed array is only meaningful in
 * the JVM that made it.
 */
public final class Panels {
    private Panels() {}

    /** Panel width NR. */
    public static int width() {
        return GemmTiling.NR;
    }

    /** Floats between consecutive panels of a {@code rows}-row matrix. */
    public static int stride(int rows) {
        return Math.multiplyExact(rows, GemmTiling.NR);
    }

    /** Floats needed for a {@code rows x cols} matrix in panel layout. */
    public static int size(int rows, int cols) {
        int panels = (cols + GemmTiling.NR - 1) / GemmTiling.NR;
        return Math.multiplyExact(panels, stride(rows));
    }

    /** Index of element (r,c) of a {@code rows}-row panel matrix, relative to its offset. */
    public static int index(int rows, int r, int c) {
        int nr = GemmTiling.NR;
        return (c / nr) * rows * nr + r * nr + c % nr;
    }

    /**
     * Packs a {@code rows x cols} matrix X into panel layout at {@code dst[dstOff..]}, padding
     * with zeros. If {@code transposed}, {@code src} holds X transposed ({@code X(r,c) = src[srcOff + c*ld + r]}),
     * else {@code X(r,c) = src[srcOff + r*ld + c]}.
     */
    public static void pack(float[] src, int srcOff, int ld, boolean transposed, int rows, int cols,
                            float[] dst, int dstOff) {
        int nr = GemmTiling.NR;
        int panels = (cols + nr - 1) / nr;
        for (int p = 0; p < panels; p++) {
            int base = dstOff + p * rows * nr;
            int c0 = p * nr;
            int w = Math.min(nr, cols - c0);
            for (int r = 0; r < rows; r++) {
                int d = base + r * nr;
                if (transposed) {
                    for (int j = 0; j < w; j++) {
                        dst[d + j] = src[srcOff + (c0 + j) * ld + r];
                    }
                } else {
                    System.arraycopy(src, srcOff + r * ld + c0, dst, d, w);
                }
                for (int j = w; j < nr; j++) {
                    dst[d + j] = 0f;
                }
            }
        }
    }

    /**
     * The inverse of {@link #pack}: writes the {@code rows x cols} matrix held in panel layout at
     * {@code src[srcOff..]} to {@code dst} row-major (or transposed).
     */
    public static void unpack(float[] src, int srcOff, int rows, int cols,
                              float[] dst, int dstOff, int ld, boolean transposed) {
        int nr = GemmTiling.NR;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                float v = src[srcOff + (c / nr) * rows * nr + r * nr + c % nr];
                if (transposed) {
                    dst[dstOff + c * ld + r] = v;
                } else {
                    dst[dstOff + r * ld + c] = v;
                }
            }
        }
    }
}
