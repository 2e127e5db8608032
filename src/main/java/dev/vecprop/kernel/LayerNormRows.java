package dev.vecprop.kernel;

import dev.vecprop.simd.Simd;

/**
 * Layer normalisation of the rows of a row-major {@code (rows, d)} block, PyTorch's
 * {@code nn.LayerNorm(d)} with its elementwise affine:
 * <pre>
 *   forward   mean_r = sum_j x(r,j) / d;  var_r = sum_j (x(r,j) - mean_r)^2 / d (biased);  inv_r = 1 / sqrt(var_r + eps)
 *             y(r,j) = (x(r,j) - mean_r) * inv_r * gamma(j) + beta(j)
 *   backward  xh = (x - mean) * inv;  g = dy * gamma
 *             dx(r,j) = inv_r * (g(r,j) - mean_j g(r,.) - xh(r,j) * mean_j (g(r,.) xh(r,.)))
 *   params    dgamma(j) += sum_r dy(r,j) xh(r,j);  dbeta(j) += sum_r dy(r,j)      (rows in order)
 * </pre>
 * The forward keeps {@code mean_r, inv_r} (two floats per row, interleaved in {@code stats}) for the
 * backward, which recomputes {@code xh} from x. Vector code when the Vector API is on (row sums as
 * vector partial sums added lane 0 first: the same bits for any thread count), else the scalar twin
 * {@link LayerNormRowsRef}, which defines the meaning. Rows are independent: callers may split them
 * over threads; the parameter gradients sum every row in order and are not split.
 */
public final class LayerNormRows {
    private LayerNormRows() {}

    private static final boolean V = Simd.ENABLED;

    /**
     * {@code x (rows,d) -> y (rows,d)}; writes {@code stats[so + 2r] = mean_r, stats[so + 2r + 1] = inv_r}.
     * {@code y} may be {@code x} (same offset).
     */
    public static void forward(float[] x, int xo, int rows, int d, float[] gamma, int go, float[] beta, int bo,
                               float eps, float[] y, int yo, float[] stats, int so) {
        if (V) LayerNormRowsVector.forward(x, xo, rows, d, gamma, go, beta, bo, eps, y, yo, stats, so);
        else LayerNormRowsRef.forward(x, xo, rows, d, gamma, go, beta, bo, eps, y, yo, stats, so);
    }

    /** {@code dy (rows,d) -> dx (rows,d)} (written, not added), from the forward's x and stats. */
    public static void backward(float[] x, int xo, float[] dy, int dyo, int rows, int d, float[] gamma, int go,
                                float[] stats, int so, float[] dx, int dxo) {
        if (V) LayerNormRowsVector.backward(x, xo, dy, dyo, rows, d, gamma, go, stats, so, dx, dxo);
        else LayerNormRowsRef.backward(x, xo, dy, dyo, rows, d, gamma, go, stats, so, dx, dxo);
    }

    /** {@code dgamma(j) += sum_r dy(r,j) xh(r,j)}, {@code dbeta(j) += sum_r dy(r,j)}, rows in order. */
    public static void paramGrads(float[] x, int xo, float[] dy, int dyo, int rows, int d, float[] stats, int so,
                                  float[] dgamma, int dgo, float[] dbeta, int dbo) {
        if (V) LayerNormRowsVector.paramGrads(x, xo, dy, dyo, rows, d, stats, so, dgamma, dgo, dbeta, dbo);
        else LayerNormRowsRef.paramGrads(x, xo, dy, dyo, rows, d, stats, so, dgamma, dgo, dbeta, dbo);
    }
}
