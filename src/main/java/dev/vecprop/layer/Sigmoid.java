package dev.vecprop.layer;

import dev.vecprop.kernel.Activations;

/** {@code y = 1 / (1 + e^-x)}, overflow-free for any x. */
public final class Sigmoid extends ElementwiseLayer {
    /** Creates a sigmoid layer; it has no parameters. */
    public Sigmoid() {
    }

    @Override
    public LayerConfig config() {
        return LayerConfig.of("Sigmoid");
    }

    @Override
    public String describe() {
        return "Sigmoid";
    }

    @Override
    public void forward(Context ctx, int batch, float[] x, int xo, float[] y, int yo, float[] ws, int wo) {
        // x (B,F) -> y (B,F)
        Activations.sigmoid(x, xo, y, yo, batch * inSize());
    }

    @Override
    public void backward(Context ctx, int batch, float[] x, int xo, float[] y, int yo,
                         float[] dy, int dyo, float[] dx, int dxo, float[] ws, int wo) {
        // dy (B,F), y (B,F) -> dx = dy * y * (1 - y)
        if (dx != null) {
            Activations.sigmoidBackward(y, yo, dy, dyo, dx, dxo, batch * inSize());
        }
    }
}
