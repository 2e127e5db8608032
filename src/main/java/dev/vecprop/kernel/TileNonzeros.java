package dev.vecprop.kernel;

import dev.vecprop.simd.Simd;

/**
 * How sparse a row-major block is at the grain of the GEMM's register tile: for each band of four
 * rows, the number of columns where one of the four holds a value other than {@code +-0} (NaN and
 * infinities count as non-zero). The zero-skipping dense-layer products ({@link Sgemm#forwardPacked},
 * {@link Sgemm#weightGradient}) run only over those columns, so the total decides whether skipping
 * pays. The scalar twin is {@link TileNonzerosRef}; both give the same count.
 */
public final class TileNonzeros {
    private TileNonzeros() {}

    /** Rows per band: the 4-row register tile. */
    public static final int BAND = 4;

    /**
     * Sum over bands of 4 rows (the last may be shorter) of the columns non-zero in the band, for the
     * {@code rows x cols} block at {@code off} with row stride {@code ld}.
     */
    public static long count(float[] a, int off, int rows, int cols, int ld) {
        return Simd.ENABLED ? TileNonzerosVector.count(a, off, rows, cols, ld)
                : TileNonzerosRef.count(a, off, rows, cols, ld);
    }
}
