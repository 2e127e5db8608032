package dev.vecprop.loss;

/** Mean squared error, as PyTorch's {@code MSELoss}: {@code (x - t)^2}, {@code dx = 2 (x - t)} (/N for the mean). */
public final class MSELoss extends ReducedLoss {

    /** Creates the loss with {@link Reduction#MEAN}, PyTorch's default. */
    public MSELoss() {
        this(Reduction.MEAN);
    }

    /**
     * Creates the loss.
     *
     * @param reduction whether {@link #compute} returns the mean or the sum of the per-element losses
     * @throws NullPointerException if {@code reduction} is null
     */
    public MSELoss(Reduction reduction) {
        super(reduction);
    }

    @Override
    public double compute(float[] x, int xo, int batch, int features, Targets targets, float[] dx, int dxo) {
        Loss.checkBlock(describe(), x, xo, batch, features, targets, dx, dxo);
        float[] t = targets.values(describe());
        int to = targets.offset();
        int n = batch * features;
        if (to < 0 || to + (long) n > t.length) {
            throw new dev.vecprop.ConfigException(describe() + ": " + n + " targets from offset " + to
                    + " do not fit an array of " + t.length);
        }
        double scale = scale(n);
        double total = 0;
        for (int i = 0; i < n; i++) {
            double d = (double) x[xo + i] - t[to + i];
            total += d * d;
            if (dx != null) {
                dx[dxo + i] = (float) (2 * d * scale);
            }
        }
        return total * scale;
    }
}
