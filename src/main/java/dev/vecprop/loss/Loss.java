package dev.vecprop.loss;

/**
 * A loss over predictions {@code x (B, F)}: returns the reduced loss and, in the same pass, writes
 * dL/dx (of the reduced loss) to {@code dx} unless it is null. Sums are in double, in index order.
 */
public interface Loss {
    /** e.g. {@code SoftmaxCrossEntropy(mean)}. */
    String describe();

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

    /** Checks that a prediction block fits its array. */
    static void checkBlock(String loss, float[] x, int xo, int batch, int features) {
        if (batch < 1 || features < 1 || xo < 0 || xo + (long) batch * features > x.length) {
            throw new dev.vecprop.ConfigException(loss + ": " + batch + "x" + features + " predictions at offset "
                    + xo + " do not fit an array of " + x.length);
        }
    }
}
