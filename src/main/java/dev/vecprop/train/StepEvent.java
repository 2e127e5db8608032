package dev.vecprop.train;

/**
 * Where training stands after one optimizer step; one instance is reused for every step of a
 * fit, so a listener reads it during {@link TrainingListener#onStep} and does not keep it.
 */
public final class StepEvent {
    int epoch;
    int epochs;
    long step;
    long stepsPerEpoch;
    long globalStep;
    double loss;
    double meanLoss;
    float lr;

    StepEvent() {}

    /** {@return the epoch, from 0} */
    public int epoch() {
        return epoch;
    }

    /** {@return epochs in the fit} */
    public int epochs() {
        return epochs;
    }

    /** {@return steps done in this epoch (1 after its first step)} */
    public long step() {
        return step;
    }

    /** {@return optimizer steps per epoch} */
    public long stepsPerEpoch() {
        return stepsPerEpoch;
    }

    /** {@return optimizer steps since the fit (or the run it resumed) began} */
    public long globalStep() {
        return globalStep;
    }

    /** {@return this step's training loss (including penalties)} */
    public double loss() {
        return loss;
    }

    /** {@return the mean training loss of this epoch's steps so far} */
    public double meanLoss() {
        return meanLoss;
    }

    /** {@return the learning rate this step used} */
    public float learningRate() {
        return lr;
    }
}
