package dev.vecprop.loss;

/**
 * A loss over predictions {@code x (B, F)}: returns the reduced loss and, in the same pass, writes
 * dL/dx (of the reduced loss) to {@code dx} unless it is null. Sums are in double, in index order.
 */
public interface Loss {
    /** {@return a short description for logs and error messages, e.g. {@code SoftmaxCrossEntropy(mean)}} */
    String describe();

    /**
     * Computes the loss of a batch of predictions and, unless {@code dx} is null, its gradient.
     *
     * @param x        the predictions (a model's output), row-major [batch][features], read from {@code x[xo ..]}
     * @param xo       the offset of the first prediction in {@code x}
     * @param batch    the number of samples B, at least 1
     * @param features the outputs per sample F (the number of classes for label losses), at least 1
     * @param targets  class labels (one per sample, in 0..F-1) or real-valued targets laid out like
     *                 the predictions, as the loss requires
     * @param dx       receives dL/dx of the reduced loss, row-major [batch][features], from
     *                 {@code dx[dxo ..]} (e.g. {@link dev.vecprop.layer.Workspace#data()}); null for the loss only
     * @param dxo      the offset of the gradient in {@code dx}
     * @return the loss reduced by {@link #reduction()}: the mean (over samples or elements, as the loss
     *         defines) or the sum
     * @throws dev.vecprop.ConfigException if {@code x} or {@code targets} is null, a block does not fit
     *                                     its array, the targets are of the wrong kind, or a label or
     *                                     target is out of range
     */
    double compute(float[] x, int xo, int batch, int features, Targets targets, float[] dx, int dxo);

    /**
     * How {@link #compute} combines per-element losses; evaluation uses it to report the mean loss
     * per sample over a whole data set.
     *
     * @return {@link Reduction#MEAN} unless the loss says otherwise
     */
    default Reduction reduction() {
        return Reduction.MEAN;
    }

    /**
     * Checks a call before any work: the prediction block fits {@code x}, the targets are there and
     * fit (values: {@code batch * features} from their offset; labels: {@code batch}), and
     * {@code dx}, unless null, holds the block from {@code dxo}.
     *
     * @param loss     the loss's name for messages
     * @param x        the predictions
     * @param xo       their offset
     * @param batch    samples
     * @param features outputs per sample
     * @param targets  the targets
     * @param dx       the gradient's destination, or null
     * @param dxo      its offset
     * @throws dev.vecprop.ConfigException if a block does not fit its array or {@code targets} is null
     */
    static void checkBlock(String loss, float[] x, int xo, int batch, int features, Targets targets, float[] dx, int dxo) {
        long n = (long) batch * features;
        if (x == null || batch < 1 || features < 1 || xo < 0 || xo + n > x.length) {
            throw new dev.vecprop.ConfigException(loss + ": " + batch + "x" + features + " predictions at offset "
                    + xo + " do not fit " + (x == null ? "a null array" : "an array of " + x.length));
        }
        if (targets == null) {
            throw new dev.vecprop.ConfigException(loss + ": targets must not be null");
        }
        if (dx != null && (dxo < 0 || dxo + n > dx.length)) {
            throw new dev.vecprop.ConfigException(loss + ": the gradient of " + batch + "x" + features
                    + " predictions at offset " + dxo + " does not fit an array of " + dx.length);
        }
        int to = targets.offset();
        long need = targets.valuesOrNull() != null ? n : batch;
        int have = targets.valuesOrNull() != null ? targets.valuesOrNull().length
                : targets.labelsOrNull() != null ? targets.labelsOrNull().length : 0;
        if (to < 0 || to + need > have) {
            throw new dev.vecprop.ConfigException(loss + ": " + need + " targets from offset " + to
                    + " do not fit an array of " + have);
        }
    }
}
