package dev.vecprop.io;

import java.nio.file.Path;

/** A checkpoint that cannot be read or written; the message names the file (and tensor) and the problem. */
public class CheckpointException extends dev.vecprop.VecpropException {
    /**
     * Creates the exception; the message is {@code file + ": " + problem}.
     *
     * @param file    the checkpoint file
     * @param problem what is wrong with it (names the tensor or metadata entry)
     */
    public CheckpointException(Path file, String problem) {
        super(file + ": " + problem);
    }

    /**
     * Creates the exception wrapping the failure that caused it; the message is
     * {@code file + ": " + problem}.
     *
     * @param file    the checkpoint file
     * @param problem what is wrong with it
     * @param cause   the underlying I/O or parse failure
     */
    public CheckpointException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
