package dev.vecprop.layer;

import dev.vecprop.kernel.Activations;

/** {@code y = tanh(x)}. */
public final class Tanh extends ElementwiseLayer {
    /** Creates a tanh layer; it has no parameters. */
    public Tanh() {
    }

    @Override
    public LayerConfig config() {
        return LayerConfig.of("Tanh");
    }

    @Override
    public String describe() {
        return "Tanh";
    }

    @Override
    public void forward(Context ctx, int batch, float[] x, int xo, float[] y, int yo, float[] ws, int wo) {
        // x (B,F) -> y (B,F)
        Activations.tanh(x, xo, y, yo, batch * inSize());
    }

    @Override
    public void backward(Context ctx, int batch, float[] x, int xo, float[] y, int yo,
                         float[] dy, int dyo, float[] dx, int dxo, float[] ws, int wo) {
        // dy (B,F), y (B,F) -> dx = dy * (1 - y^2)
        if (dx != null) {
            Activations.tanhBackward(y, yo, dy, dyo, dx, dxo, batch * inSize());
        }
    }
}
