package dev.vecprop.layer;

import dev.vecprop.kernel.Activations;

/** {@code y = x > 0 ? x : slope * x} (PyTorch's default slope 0.01). */
public final class LeakyReLU extends ElementwiseLayer {
    private final float slope;

    /** Creates a leaky ReLU with PyTorch's default negative slope, 0.01. */
    public LeakyReLU() {
        this(0.01f);
    }

    /**
     * Creates a leaky ReLU.
     *
     * @param slope the factor applied to negative inputs; any finite value
     * @throws dev.vecprop.ConfigException if {@code slope} is NaN or infinite
     */
    public LeakyReLU(float slope) {
        if (!Float.isFinite(slope)) {
            throw new dev.vecprop.ConfigException("LeakyReLU: slope must be finite, got " + slope);
        }
        this.slope = slope;
    }

    /** {@return the factor applied to negative inputs} */
    public float slope() {
        return slope;
    }

    @Override
    public LayerConfig config() {
        return LayerConfig.of("LeakyReLU", "slope", (double) slope);
    }

    @Override
    public String describe() {
        return "LeakyReLU(" + slope + ")";
    }

    @Override
    public void forward(Context ctx, int batch, float[] x, int xo, float[] y, int yo, float[] ws, int wo) {
        // x (B,F) -> y (B,F)
        Activations.leakyRelu(x, xo, y, yo, batch * inSize(), slope);
    }

    @Override
    public void backward(Context ctx, int batch, float[] x, int xo, float[] y, int yo,
                         float[] dy, int dyo, float[] dx, int dxo, float[] ws, int wo) {
        // dy (B,F), x (B,F) -> dx (B,F)
        if (dx != null) {
            Activations.leakyReluBackward(x, xo, dy, dyo, dx, dxo, batch * inSize(), slope);
        }
    }
}
