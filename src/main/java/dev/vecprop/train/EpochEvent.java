package dev.vecprop.train;

import dev.vecprop.layer.Sequential;

/**
 * One finished epoch as {@link TrainingListener#onEpochEnd} sees it: its metrics, the model, and a
 * way to end the fit.
 */
public final class EpochEvent {
    private final EpochMetrics metrics;
    private final Sequential model;
    private final int epochs;
    private String stopReason;

    EpochEvent(EpochMetrics metrics, Sequential model, int epochs) {
        this.metrics = metrics;
        this.model = model;
        this.epochs = epochs;
    }

    /** {@return the epoch's metrics} */
    public EpochMetrics metrics() {
        return metrics;
    }

    /** {@return the model as it stands after this epoch (a listener may save or copy it)} */
    public Sequential model() {
        return model;
    }

    /** {@return epochs in the fit} */
    public int epochs() {
        return epochs;
    }

    /**
     * Ends the fit after this epoch (later listeners of this epoch still run).
     *
     * @param reason one line saying why, e.g. {@code validation loss did not improve for 3 epochs}
     */
    public void requestStop(String reason) {
        if (stopReason == null) {
            stopReason = reason;
        }
    }

    /** {@return the reason given to the first {@link #requestStop} call, or null} */
    public String stopReason() {
        return stopReason;
    }
}
