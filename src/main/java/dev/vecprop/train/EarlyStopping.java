package dev.vecprop.train;

import dev.vecprop.ConfigException;

/**
 * Ends a fit when a metric stops improving, as Keras' {@code EarlyStopping} and Lightning's: at the
 * end of the {@code patience}-th epoch in a row without an improvement of more than {@code minDelta}
 * (patience 0 and 1 both stop at the first such epoch); optionally puts back the weights of
 * the best epoch when the fit ends. Immutable settings made with withers; each fit gets fresh state
 * (the trainer calls {@link #onFitStart}).
 *
 * <pre>
 *   .listener(EarlyStopping.of(Monitor.VALIDATION_LOSS).patience(3).restoreBest(true))
 * </pre>
 */
public final class EarlyStopping implements TrainingListener {
    private final Monitor monitor;
    private final int patience;
    private final double minDelta;
    private final boolean restoreBest;
    private double best;
    private int bestEpoch;
    private int waited;
    private float[] bestValues;
    private float[] bestBuffers;
    private dev.vecprop.layer.Sequential model;

    private EarlyStopping(Monitor monitor, int patience, double minDelta, boolean restoreBest) {
        if (monitor == null) {
            throw new ConfigException("early stopping needs a metric to monitor");
        }
        if (patience < 0) {
            throw new ConfigException("early stopping patience must be >= 0 epochs, got " + patience);
        }
        if (!(minDelta >= 0) || Double.isInfinite(minDelta)) {
            throw new ConfigException("early stopping minDelta must be a finite number >= 0, got " + minDelta);
        }
        this.monitor = monitor;
        this.patience = patience;
        this.minDelta = minDelta;
        this.restoreBest = restoreBest;
    }

    /**
     * Early stopping on one metric, with the defaults.
     *
     * @param monitor the metric to watch
     * @return early stopping with patience 0, minDelta 0, no restoring
     * @throws ConfigException if {@code monitor} is null
     */
    public static EarlyStopping of(Monitor monitor) {
        return new EarlyStopping(monitor, 0, 0, false);
    }

    /**
     * Sets the patience.
     *
     * @param epochs epochs in a row without improvement after which the fit stops, {@code >= 0}
     * @return a copy with this patience
     * @throws ConfigException if {@code epochs < 0}
     */
    public EarlyStopping patience(int epochs) {
        return new EarlyStopping(monitor, epochs, minDelta, restoreBest);
    }

    /**
     * Sets the smallest improvement that counts.
     *
     * @param delta an improvement must exceed this, in the metric's units, finite and {@code >= 0}
     * @return a copy with this delta
     * @throws ConfigException if {@code delta} is negative, NaN or infinite
     */
    public EarlyStopping minDelta(double delta) {
        return new EarlyStopping(monitor, patience, delta, restoreBest);
    }

    /**
     * Chooses whether to put back the best epoch's weights (and buffers) when the fit ends.
     *
     * @param on true to restore the best epoch's weights
     * @return a copy with this setting
     */
    public EarlyStopping restoreBest(boolean on) {
        return new EarlyStopping(monitor, patience, minDelta, on);
    }

    /** {@return the epoch (from 0) with the best value in the last fit, or -1} */
    public int bestEpoch() {
        return bestEpoch;
    }

    /** {@return the best value in the last fit (NaN before any epoch)} */
    public double bestValue() {
        return best;
    }

    @Override
    public void onFitStart(FitStart start) {
        if (monitor.needsValidation() && !start.validation()) {
            throw new ConfigException("early stopping on " + monitor.label() + " needs a validation set or split");
        }
        best = Double.NaN;
        bestEpoch = -1;
        waited = 0;
        bestValues = null;
        bestBuffers = null;
        model = start.model();
    }

    @Override
    public void onEpochEnd(EpochEvent e) {
        double v = e.metrics().value(monitor);
        if (monitor.improves(v, best, minDelta)) {
            best = v;
            bestEpoch = e.metrics().epoch();
            waited = 0;
            if (restoreBest) {
                bestValues = e.model().params().values().clone();
                bestBuffers = e.model().params().buffers().clone();
            }
            return;
        }
        if (++waited >= patience) {
            e.requestStop(String.format(java.util.Locale.ROOT,
                    "early stopping: %s did not improve on %.6g (epoch %d) for %d epoch%s", monitor.label(), best,
                    bestEpoch + 1, waited, waited == 1 ? "" : "s"));
        }
    }

    @Override
    public void onFitEnd(FitResult result) {
        if (restoreBest && bestValues != null && bestEpoch < result.last().epoch()) {
            System.arraycopy(bestValues, 0, model.params().values(), 0, bestValues.length);
            System.arraycopy(bestBuffers, 0, model.params().buffers(), 0, bestBuffers.length);
        }
        bestValues = null;
        bestBuffers = null;
    }
}
