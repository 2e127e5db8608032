package dev.vecprop.io;

import java.nio.file.Path;

/** A checkpoint that cannot be read or written; the message names the file (and tensor) and the problem. */
public class CheckpointException extends RuntimeException {
    public CheckpointException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public CheckpointException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
