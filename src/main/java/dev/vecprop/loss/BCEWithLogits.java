package dev.vecprop.loss;

import dev.vecprop.kernel.ActivationsRef;

/**
 * Binary cross-entropy on logits, as PyTorch's {@code BCEWithLogitsLoss}, in the stable form
 * {@code max(z,0) - z t + log(1 + e^-|z|)}; {@code dz = sigmoid(z) - t} (/N for the mean over all
 * B*F elements). Targets are real values in [0, 1].
 */
public final class BCEWithLogits implements Loss {
    private final Reduction reduction;
    private final String name;

    public BCEWithLogits() {
        this(Reduction.MEAN);
    }

    public BCEWithLogits(Reduction reduction) {
        this.reduction = reduction;
        this.name = "BCEWithLogits(" + reduction.name().toLowerCase(java.util.Locale.ROOT) + ")";
    }

    @Override
    public String describe() {
        return name; // built once: describe() is on the per-step path (error messages only read it)
    }

    @Override
    public double compute(float[] x, int xo, int batch, int features, Targets targets, float[] dx, int dxo) {
        Loss.checkBlock(describe(), x, xo, batch, features);
        float[] t = targets.values(describe());
        int to = targets.offset();
        int n = batch * features;
        BCE.checkTargets(describe(), t, to, n);
        double scale = reduction == Reduction.MEAN ? 1.0 / n : 1.0;
        double total = 0;
        for (int i = 0; i < n; i++) {
            double z = x[xo + i];
            double y = t[to + i];
            total += Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
            if (dx != null) {
                dx[dxo + i] = (float) ((ActivationsRef.sigmoid((float) z) - y) * scale);
            }
        }
        return total * scale;
    }
}
