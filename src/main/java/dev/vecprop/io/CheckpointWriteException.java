package dev.vecprop.io;

import java.nio.file.Path;

/** A checkpoint that could not be written (full disk, I/O error): a runtime failure, not bad input. */
public class CheckpointWriteException extends CheckpointException {
    /**
     * Creates the exception; the message is {@code file + ": " + problem}.
     *
     * @param file    the checkpoint that could not be written
     * @param problem the I/O failure
     */
    public CheckpointWriteException(Path file, String problem) {
        super(file, problem);
    }
}
