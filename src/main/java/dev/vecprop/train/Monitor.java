package dev.vecprop.train;

/** A metric that early stopping and keep-best checkpoints watch, and whether lower or higher is better. */
public enum Monitor {
    /** Mean training loss of the epoch; lower is better. */
    TRAIN_LOSS(false),
    /** Training accuracy of the epoch; higher is better. */
    TRAIN_ACCURACY(true),
    /** Validation loss after the epoch; lower is better. */
    VALIDATION_LOSS(false),
    /** Validation accuracy after the epoch; higher is better. */
    VALIDATION_ACCURACY(true);

    private final boolean higherIsBetter;

    Monitor(boolean higherIsBetter) {
        this.higherIsBetter = higherIsBetter;
    }

    /** {@return whether a larger value is an improvement} */
    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    /** {@return whether the metric needs a validation set} */
    public boolean needsValidation() {
        return this == VALIDATION_LOSS || this == VALIDATION_ACCURACY;
    }

    /**
     * Compares a value with the best so far in this metric's direction.
     *
     * @param value    a new value
     * @param best     the best value so far (NaN: none yet)
     * @param minDelta how much better it must be, {@code >= 0}
     * @return whether {@code value} improves on {@code best} by more than {@code minDelta}
     */
    public boolean improves(double value, double best, double minDelta) {
        if (Double.isNaN(value)) {
            return false;
        }
        if (Double.isNaN(best)) {
            return true;
        }
        return higherIsBetter ? value > best + minDelta : value < best - minDelta;
    }

    /** {@return the metric's name for messages, e.g. {@code validation loss}} */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
}
