package dev.vecprop.kernel;

import dev.vecprop.simd.Simd;

/**
 * A rows x cols block transposed into rows of {@code ldt >= rows}, zero-filled past {@code rows}:
 * <pre>{@code
 *   t[to + j*ldt + i] = a[ao + i*lda + j]    i < rows, j < cols;   t[to + j*ldt + i] = 0   rows <= i < ldt
 * }</pre>
 * The output gradient of a convolution, channels x positions, becomes positions x channels for
 * {@link DirectConv#weightGrad}. The vector form gathers a column of one vector's worth of rows per
 * load; the scalar twin {@link TransposeRef} is the definition. A pure data movement: the two agree
 * bit for bit.
 */
public final class Transpose {
    private Transpose() {}

    private static final boolean V = Simd.ENABLED;

    public static void transpose(float[] a, int ao, int lda, int rows, int cols, float[] t, int to, int ldt) {
        if (V) TransposeVector.transpose(a, ao, lda, rows, cols, t, to, ldt);
        else TransposeRef.transpose(a, ao, lda, rows, cols, t, to, ldt);
    }
}
