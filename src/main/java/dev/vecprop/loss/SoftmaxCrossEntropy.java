package dev.vecprop.loss;

import dev.vecprop.kernel.RowSoftmax;

/**
 * Cross-entropy of softmax(logits) against class labels — PyTorch's {@code CrossEntropyLoss} on
 * logits, fused: {@code loss_b = logsumexp(x_b) - x_b[y_b]}, {@code dx_b = softmax(x_b) - onehot(y_b)}
 * (divided by B for the mean). Stable for any finite logits (no NaN at +-1e4).
 */
public final class SoftmaxCrossEntropy extends ReducedLoss {

    /** Creates the loss with {@link Reduction#MEAN}, PyTorch's default. */
    public SoftmaxCrossEntropy() {
        this(Reduction.MEAN);
    }

    /**
     * Creates the loss.
     *
     * @param reduction whether {@link #compute} returns the mean or the sum of the per-sample losses
     * @throws NullPointerException if {@code reduction} is null
     */
    public SoftmaxCrossEntropy(Reduction reduction) {
        super(reduction);
    }

    @Override
    public double compute(float[] x, int xo, int batch, int classes, Targets targets, float[] dx, int dxo) {
        Loss.checkBlock(describe(), x, xo, batch, classes, targets, dx, dxo);
        double scale = scale(batch);
        double total = 0;
        for (int b = 0; b < batch; b++) {
            int label = targets.label(describe(), b, classes);
            int row = xo + b * classes;
            double lse = RowSoftmax.logSumExp(x, row, classes);
            total += lse - x[row + label];
            if (dx != null) {
                int d = dxo + b * classes;
                for (int j = 0; j < classes; j++) {
                    double p = Math.exp(x[row + j] - lse);
                    dx[d + j] = (float) ((p - (j == label ? 1.0 : 0.0)) * scale);
                }
            }
        }
        return total * scale;
    }
}
