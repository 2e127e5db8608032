package dev.vecprop.data;

import java.nio.file.Path;

/** A data file that cannot be used as it is; the message is one line naming the file and the problem. */
public class InvalidDataException extends RuntimeException {
    public InvalidDataException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public InvalidDataException(String message) {
        super(message);
    }

    public InvalidDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
