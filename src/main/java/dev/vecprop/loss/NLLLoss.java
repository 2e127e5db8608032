package dev.vecprop.loss;

/**
 * Negative log-likelihood of log-probabilities (e.g. a {@code LogSoftmax} output) against class
 * labels, as PyTorch's {@code NLLLoss}: {@code loss_b = -x_b[y_b]}; {@code dx_b = -onehot(y_b)} (/B for the mean).
 */
public final class NLLLoss extends ReducedLoss {

    /** Creates the loss with {@link Reduction#MEAN}, PyTorch's default. */
    public NLLLoss() {
        this(Reduction.MEAN);
    }

    /**
     * Creates the loss.
     *
     * @param reduction whether {@link #compute} returns the mean or the sum of the per-sample losses
     * @throws NullPointerException if {@code reduction} is null
     */
    public NLLLoss(Reduction reduction) {
        super(reduction);
    }

    @Override
    public double compute(float[] x, int xo, int batch, int classes, Targets targets, float[] dx, int dxo) {
        Loss.checkBlock(describe(), x, xo, batch, classes, targets, dx, dxo);
        double scale = scale(batch);
        double total = 0;
        for (int b = 0; b < batch; b++) {
            int label = targets.label(describe(), b, classes);
            total -= x[xo + b * classes + label];
            if (dx != null) {
                int d = dxo + b * classes;
                java.util.Arrays.fill(dx, d, d + classes, 0f);
                dx[d + label] = (float) -scale;
            }
        }
        return total * scale;
    }
}
