package dev.vecprop.plot;

/**
 * The metrics of one epoch, as plain numbers. Any metric may be {@link Double#NaN} when it is
 * absent (no validation set; a regression without accuracy); infinite values are treated as absent
 * too, and so is any value of magnitude above 1e300.
 *
 * @param epoch              the epoch number (usually 1-based), a count of passes over the data
 * @param trainLoss          mean training loss over the epoch, in the loss function's own units
 * @param trainAccuracy      training accuracy as a fraction in [0, 1] (plotted in %)
 * @param validationLoss     mean loss on the validation (or test) set, in the loss function's units
 * @param validationAccuracy validation accuracy as a fraction in [0, 1] (plotted in %)
 */
public record EpochPoint(int epoch, double trainLoss, double trainAccuracy, double validationLoss,
                         double validationAccuracy) {

    /**
     * An epoch with training metrics only (validation metrics {@link Double#NaN}).
     *
     * @param epoch         the epoch number
     * @param trainLoss     mean training loss, in the loss function's units
     * @param trainAccuracy training accuracy as a fraction in [0, 1], or NaN
     * @return the point
     */
    public static EpochPoint trainOnly(int epoch, double trainLoss, double trainAccuracy) {
        return new EpochPoint(epoch, trainLoss, trainAccuracy, Double.NaN, Double.NaN);
    }
}
