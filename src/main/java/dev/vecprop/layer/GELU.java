package dev.vecprop.layer;

import dev.vecprop.kernel.Activations;

/**
 * {@code y = x * Phi(x)} (exact, PyTorch's default, erf to 1.5e-7), or with {@code tanh = true}
 * PyTorch's {@code approximate='tanh'} form.
 */
public final class GELU extends ElementwiseLayer {
    private final boolean tanh;

    /** Creates the exact (erf) GELU, PyTorch's default. */
    public GELU() {
        this(false);
    }

    /**
     * Creates a GELU.
     *
     * @param tanhApproximation true for PyTorch's {@code approximate='tanh'} form, false for the exact erf form
     */
    public GELU(boolean tanhApproximation) {
        this.tanh = tanhApproximation;
    }

    @Override
    public LayerConfig config() {
        return LayerConfig.of("GELU", "tanh", tanh);
    }

    @Override
    public String describe() {
        return tanh ? "GELU(tanh)" : "GELU";
    }

    @Override
    public void forward(Context ctx, int batch, float[] x, int xo, float[] y, int yo, float[] ws, int wo) {
        // x (B,F) -> y (B,F)
        if (tanh) {
            Activations.geluTanh(x, xo, y, yo, batch * inSize());
        } else {
            Activations.gelu(x, xo, y, yo, batch * inSize());
        }
    }

    @Override
    public void backward(Context ctx, int batch, float[] x, int xo, float[] y, int yo,
                         float[] dy, int dyo, float[] dx, int dxo, float[] ws, int wo) {
        // dy (B,F), x (B,F) -> dx (B,F)
        if (dx == null) {
            return;
        }
        if (tanh) {
            Activations.geluTanhBackward(x, xo, dy, dyo, dx, dxo, batch * inSize());
        } else {
            Activations.geluBackward(x, xo, dy, dyo, dx, dxo, batch * inSize());
        }
    }
}
