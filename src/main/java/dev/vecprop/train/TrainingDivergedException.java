package dev.vecprop.train;

/** Training produced a non-finite loss or gradient; the message names the step and the tensor. */
public class TrainingDivergedException extends dev.vecprop.VecpropException {
    /**
     * An exception with the given message.
     *
     * @param message one line naming the step and the first non-finite tensor
     */
    public TrainingDivergedException(String message) {
        super(message);
    }
}
