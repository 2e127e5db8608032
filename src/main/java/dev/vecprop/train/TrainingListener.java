package dev.vecprop.train;

/**
 * Callbacks of {@link Trainer#fit}, in the spirit of Keras callbacks and Lightning hooks: the
 * progress bar, a JSON log, training-curve pictures, early stopping and keep-best checkpoints are
 * all listeners. Every method has an empty default; listeners run on the training thread, in the
 * order they were added, and any exception they throw ends the fit.
 */
public interface TrainingListener {
    /**
     * Before the first step.
     *
     * @param start what is about to be trained
     */
    default void onFitStart(FitStart start) {
    }

    /**
     * After every optimizer step. The event object is reused from step to step (no allocation in the
     * training loop): read it during the call, do not keep it.
     *
     * @param step where training stands and the step's loss
     */
    default void onStep(StepEvent step) {
    }

    /**
     * A step was skipped because its loss was not finite (only with {@code skipNonFinite(true)}).
     *
     * @param message one line naming the step and the first non-finite gradient
     */
    default void onStepSkipped(String message) {
    }

    /**
     * After every epoch, with its metrics; {@link EpochEvent#requestStop(String)} ends the fit.
     *
     * @param epoch the epoch's metrics
     */
    default void onEpochEnd(EpochEvent epoch) {
    }

    /**
     * After the last epoch (or the stop), also when the fit ends early.
     *
     * @param result the whole run
     */
    default void onFitEnd(FitResult result) {
    }
}
