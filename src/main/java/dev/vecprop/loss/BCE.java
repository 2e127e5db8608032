package dev.vecprop.loss;

/**
 * Binary cross-entropy of probabilities, as PyTorch's {@code BCELoss}:
 * {@code -(t log p + (1-t) log(1-p))} with each log clamped at -100, and
 * {@code dp = (p - t) / max(p (1-p), 1e-12)} (/N for the mean). Predictions must lie in [0, 1]
 * (use {@link BCEWithLogits} on logits: it is stabler).
 */
public final class BCE extends ReducedLoss {

    /** Creates the loss with {@link Reduction#MEAN}, PyTorch's default. */
    public BCE() {
        this(Reduction.MEAN);
    }

    /**
     * Creates the loss.
     *
     * @param reduction whether {@link #compute} returns the mean or the sum of the per-element losses
     * @throws NullPointerException if {@code reduction} is null
     */
    public BCE(Reduction reduction) {
        super(reduction);
    }

    @Override
    public double compute(float[] x, int xo, int batch, int features, Targets targets, float[] dx, int dxo) {
        Loss.checkBlock(describe(), x, xo, batch, features, targets, dx, dxo);
        float[] t = targets.values(describe());
        int to = targets.offset();
        int n = batch * features;
        checkTargets(describe(), t, to, n);
        double scale = scale(n);
        double total = 0;
        for (int i = 0; i < n; i++) {
            double p = x[xo + i];
            if (!(p >= 0 && p <= 1)) {
                throw new dev.vecprop.ConfigException(describe() + ": prediction " + p + " at element " + i
                        + " is not a probability in [0, 1]");
            }
            double y = t[to + i];
            double logp = Math.max(Math.log(p), -100);
            double log1p = Math.max(Math.log(1 - p), -100);
            total -= y * logp + (1 - y) * log1p;
            if (dx != null) {
                dx[dxo + i] = (float) ((p - y) / Math.max(p * (1 - p), 1e-12) * scale);
            }
        }
        return total * scale;
    }

    static void checkTargets(String loss, float[] t, int to, int n) {
        if (to < 0 || to + (long) n > t.length) {
            throw new dev.vecprop.ConfigException(loss + ": " + n + " targets from offset " + to
                    + " do not fit an array of " + t.length);
        }
        for (int i = 0; i < n; i++) {
            float y = t[to + i];
            if (!(y >= 0f && y <= 1f)) {
                throw new dev.vecprop.ConfigException(loss + ": target " + y + " at element " + i + " is outside [0, 1]");
            }
        }
    }
}
