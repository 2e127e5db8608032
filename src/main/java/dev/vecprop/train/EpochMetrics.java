package dev.vecprop.train;

/**
 * The metrics of one epoch.
 *
 * @param epoch            the epoch, from 0
 * @param trainLoss        mean training loss over the epoch's steps (including penalties)
 * @param trainAccuracy    share of training samples the model classified correctly during the epoch's
 *                         forward passes (training mode, before each step's update); NaN for regression
 * @param validation       metrics on the validation set after the epoch, or null without one
 * @param robust           metrics on adversarial validation examples (adversarial training only), or null
 * @param learningRate     learning rate of the epoch's last step
 * @param seconds          wall time of the epoch's training steps (evaluation excluded)
 * @param samplesPerSecond training samples per second in this epoch
 */
public record EpochMetrics(int epoch, double trainLoss, double trainAccuracy, Evaluation validation, Evaluation robust,
                           float learningRate, double seconds, double samplesPerSecond) {

    /**
     * Looks a metric up by name, as early stopping and keep-best checkpoints do.
     *
     * @param m which metric
     * @return its value this epoch (NaN when the epoch has no such metric)
     */
    public double value(Monitor m) {
        return switch (m) {
            case TRAIN_LOSS -> trainLoss;
            case TRAIN_ACCURACY -> trainAccuracy;
            case VALIDATION_LOSS -> validation == null ? Double.NaN : validation.loss();
            case VALIDATION_ACCURACY -> validation == null ? Double.NaN : validation.accuracy();
        };
    }
}
