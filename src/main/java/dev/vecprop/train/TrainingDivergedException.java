package dev.vecprop.train;

/** Training produced a non-finite loss or gradient; the message names the step and the tensor. */
public class TrainingDivergedException extends RuntimeException {
    public TrainingDivergedException(String message) {
        super(message);
    }
}
