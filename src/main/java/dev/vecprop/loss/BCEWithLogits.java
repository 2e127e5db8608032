package dev.vecprop.loss;

import dev.vecprop.kernel.ActivationsRef;

/**
 * Binary cross-entropy on logits, as PyTorch's {@code BCEWithLogitsLoss}, in the stable form
 * {@code max(z,0) - z t + log(1 + e^-|z|)}; {@code dz = sigmoid(z) - t} (/N for the mean over all
 * B*F elements). Targets are real values in [0, 1].
 */
public final class BCEWithLogits extends ReducedLoss {

    /** Creates the loss with {@link Reduction#MEAN}, PyTorch's default. */
    public BCEWithLogits() {
        this(Reduction.MEAN);
    }

    /**
     * Creates the loss.
     *
     * @param reduction whether {@link #compute} returns the mean or the sum of the per-element losses
     * @throws NullPointerException if {@code reduction} is null
     */
    public BCEWithLogits(Reduction reduction) {
        super(reduction);
    }

    @Override
    public double compute(float[] x, int xo, int batch, int features, Targets targets, float[] dx, int dxo) {
        Loss.checkBlock(describe(), x, xo, batch, features, targets, dx, dxo);
        float[] t = targets.values(describe());
        int to = targets.offset();
        int n = batch * features;
        BCE.checkTargets(describe(), t, to, n);
        double scale = scale(n);
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
