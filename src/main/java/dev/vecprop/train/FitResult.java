package dev.vecprop.train;

import java.util.List;

/**
 * The outcome of {@link Trainer#fit}.
 *
 * @param epochs           the metrics of every epoch run (resumed runs: from the resumed epoch on)
 * @param trainSeconds     wall time of the training steps (evaluation excluded)
 * @param samplesPerSecond training samples per second over the whole run
 * @param trainedSamples   samples trained on
 * @param globalSteps      optimizer steps taken in total (including those of a resumed run)
 * @param stopReason       why the fit ended before its last epoch (early stopping, step limit), or null
 */
public record FitResult(List<EpochMetrics> epochs, double trainSeconds, double samplesPerSecond, long trainedSamples,
                        long globalSteps, String stopReason) {

    /** Copies the list. */
    public FitResult {
        epochs = List.copyOf(epochs);
    }

    /** {@return the last epoch's metrics, or null when no epoch finished} */
    public EpochMetrics last() {
        return epochs.isEmpty() ? null : epochs.get(epochs.size() - 1);
    }
}
