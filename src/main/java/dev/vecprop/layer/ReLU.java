package dev.vecprop.layer;

import dev.vecprop.kernel.Activations;

/**
 * {@code y = max(x, 0)}. Backward uses only y ({@code dx = dy * [y > 0]}), so a preceding
 * {@link Linear} can fuse the forward into its GEMM epilogue and a following one can fuse the
 * backward mask into its input-gradient GEMM ({@link Sequential} does both).
 */
public final class ReLU extends ElementwiseLayer {
    @Override
    public String describe() {
        return "ReLU";
    }

    @Override
    public void forward(Context ctx, int batch, float[] x, int xo, float[] y, int yo, float[] ws, int wo) {
        // x (B,F) -> y (B,F)
        Activations.relu(x, xo, y, yo, batch * inSize());
    }

    @Override
    public void backward(Context ctx, int batch, float[] x, int xo, float[] y, int yo,
                         float[] dy, int dyo, float[] dx, int dxo, float[] ws, int wo) {
        // dy (B,F), y (B,F) -> dx (B,F)
        if (dx != null) {
            Activations.reluBackward(y, yo, dy, dyo, dx, dxo, batch * inSize());
        }
    }
}
