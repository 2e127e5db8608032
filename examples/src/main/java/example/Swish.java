package example;

import dev.vecprop.layer.AbstractLayer;
import dev.vecprop.layer.Context;
import dev.vecprop.layer.LayerConfig;
import dev.vecprop.layer.Shape;

/**
 * A user's own layer: Swish, {@code y = x * sigmoid(beta * x)}, elementwise on any shape.
 * Written against the public API only; {@link #config()} lets a checkpoint record it, and a
 * {@code LayerRegistry} entry for "Swish" rebuilds it on load.
 */
public final class Swish extends AbstractLayer {
    private final float beta;

    /** @param beta the sigmoid's slope ({@code > 0}) */
    public Swish(float beta) {
        if (!(beta > 0)) {
            throw new IllegalArgumentException("Swish beta must be > 0, got " + beta);
        }
        this.beta = beta;
    }

    @Override
    public String describe() {
        return "Swish(beta=" + beta + ")";
    }

    @Override
    public LayerConfig config() {
        return LayerConfig.of("Swish", "beta", (double) beta);
    }

    @Override
    protected Shape computeOutputShape(Shape input) {
        return input;
    }

    private static float sigmoid(float z) {
        return 1f / (1f + (float) Math.exp(-z));
    }

    @Override
    public void forward(Context ctx, int batch, float[] x, int xo, float[] y, int yo, float[] ws, int wo) {
        // x (B, F) -> y = x * s(beta x)
        int n = batch * inputShape().size();
        for (int i = 0; i < n; i++) {
            float v = x[xo + i];
            y[yo + i] = v * sigmoid(beta * v);
        }
    }

    @Override
    public void backward(Context ctx, int batch, float[] x, int xo, float[] y, int yo,
                         float[] dy, int dyo, float[] dx, int dxo, float[] ws, int wo) {
        // dy/dx = s + beta x s (1 - s)
        if (dx == null) {
            return;
        }
        int n = batch * inputShape().size();
        for (int i = 0; i < n; i++) {
            float v = x[xo + i];
            float s = sigmoid(beta * v);
            dx[dxo + i] = dy[dyo + i] * (s + beta * v * s * (1f - s));
        }
    }
}
