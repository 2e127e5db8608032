package dev.vecprop.layer;

import dev.vecprop.kernel.DropoutMask;
import dev.vecprop.kernel.Activations;

/**
 * Inverted dropout: in training each element is zeroed with probability p and the survivors are
 * scaled by 1/(1-p); in eval it is the identity. The mask is a pure function of
 * (context seed, step, layer id, element index) — a counter-based hash, not a stateful generator —
 * so it is deterministic and independent of the thread count. It is kept in the workspace for
 * backward ({@code dx = dy * mask}).
 */
public final class Dropout extends ElementwiseLayer {
    private final float p;
    private int id;

    /**
     * Creates a dropout layer.
     *
     * @param p the probability, in [0, 1], that an element is zeroed in training
     * @throws dev.vecprop.ConfigException if {@code p} is outside [0, 1] or NaN
     */
    public Dropout(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new dev.vecprop.ConfigException("Dropout: p must be in [0, 1], got " + p);
        }
        this.p = (float) p;
    }

    /** {@return the probability, in [0, 1], that an element is zeroed in training} */
    public float p() {
        return p;
    }

    @Override
    public LayerConfig config() {
        return LayerConfig.of("Dropout", "p", (double) p);
    }

    @Override
    public String describe() {
        return "Dropout(" + p + ")";
    }

    @Override
    public void assignId(int id) {
        this.id = id;
    }

    @Override
    public int workspaceSize(int batch) {
        return batch * inSize();
    }

    @Override
    public void forward(Context ctx, int batch, float[] x, int xo, float[] y, int yo, float[] ws, int wo) {
        // x (B,F) -> y (B,F); mask (B,F) in ws
        int n = batch * inSize();
        if (!ctx.training() || p == 0f) {
            System.arraycopy(x, xo, y, yo, n);
            java.util.Arrays.fill(ws, wo, wo + n, 1f);
            return;
        }
        float scale = p >= 1f ? 0f : 1f / (1f - p);
        long key = mix(ctx.seed() ^ mix(ctx.step() * 0x9E3779B97F4A7C15L + id));
        DropoutMask.apply(key, 0, p, scale, x, xo, ws, wo, y, yo, n);
    }

    @Override
    public void backward(Context ctx, int batch, float[] x, int xo, float[] y, int yo,
                         float[] dy, int dyo, float[] dx, int dxo, float[] ws, int wo) {
        // dy (B,F), mask -> dx = dy * mask
        if (dx != null) {
            Activations.mul(dy, dyo, ws, wo, dx, dxo, batch * inSize());
        }
    }

    /** SplitMix64's finaliser. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
