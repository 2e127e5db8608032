package dev.vecprop.kernel;

import dev.vecprop.simd.Simd;

/**
 * Implicit im2col: writes a convolution's column matrix straight into {@link Sgemm} B panels,
 * block by block, so the matrix never exists in memory. An image (one sample, zero-padded if the
 * convolution pads) is addressed through two offset tables: tap {@code r} (input channel, kernel
 * row, kernel column) at {@code tap[r]}, output position {@code q} (row, column) at {@code pos[q]};
 * <pre>
 *   cols(r, q) = img[base + tap[r] + pos[q]]        (K taps x N positions)
 * </pre>
 * Stride and dilation live in the tables, so the kernels need no bounds tests. Panel layout as
 * {@link Sgemm.PanelSource#pack}: panel {@code t} at {@code t*kc*NR}, row {@code p} at {@code + p*NR},
 * zeros past the last column. Vector code when the Vector API is on (contiguous runs load, the rest
 * gather), else the scalar twin {@link ConvColumnsRef}, which defines the meaning.
 */
public final class ConvColumns {
    private ConvColumns() {}

    private static final boolean V = Simd.ENABLED;

    /**
     * B = cols, for {@code W (OC,K) . cols (K,N)}: rows {@code [p0,p0+kc)} are taps, columns
     * {@code [j0,j0+nc)} positions ({@code n} positions in all).
     */
    public static void packByPosition(float[] img, int base, int[] tap, int[] pos, int n,
                                      int p0, int kc, int j0, int nc, float[] dst) {
        if (V) ConvColumnsVector.packByPosition(img, base, tap, pos, n, p0, kc, j0, nc, dst);
        else ConvColumnsRef.packByPosition(img, base, tap, pos, n, p0, kc, j0, nc, dst);
    }

    /**
     * B = cols^T, for {@code dY (OC,N) . cols^T (N,K)}: rows {@code [p0,p0+kc)} are positions,
     * columns {@code [j0,j0+nc)} taps ({@code k} taps in all).
     */
    public static void packByTap(float[] img, int base, int[] tap, int[] pos, int k,
                                 int p0, int kc, int j0, int nc, float[] dst) {
        if (V) ConvColumnsVector.packByTap(img, base, tap, pos, k, p0, kc, j0, nc, dst);
        else ConvColumnsRef.packByTap(img, base, tap, pos, k, p0, kc, j0, nc, dst);
    }
}
