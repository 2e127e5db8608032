package dev.vecprop;

/**
 * The common base of every exception vecprop throws on purpose: bad data files
 * ({@code dev.vecprop.data.InvalidDataException}), unreadable or unwritable checkpoints
 * ({@code dev.vecprop.io.CheckpointException}), models whose layers do not fit
 * ({@code dev.vecprop.layer.ShapeException}), invalid settings ({@link ConfigException}), training
 * that diverged, and data that cannot be had. Its message is one line in the API's own terms,
 * naming the file, tensor, layer or setting and what was expected; catching this type catches
 * every failure a caller can act on.
 */
public class VecpropException extends RuntimeException {
    /**
     * Creates the exception without a cause.
     *
     * @param message one line naming what was wrong and what was expected
     */
    public VecpropException(String message) {
        super(message);
    }

    /**
     * Creates the exception wrapping the failure that caused it.
     *
     * @param message one line naming what was wrong and what was expected
     * @param cause   the underlying failure (kept for stack traces)
     */
    public VecpropException(String message, Throwable cause) {
        super(message, cause);
    }
}
