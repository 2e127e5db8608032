package dev.vecprop.data;

import java.nio.file.Path;

/** A data file that cannot be used as it is; the message is one line naming the file and the problem. */
public class InvalidDataException extends dev.vecprop.VecpropException {
    /**
     * An exception with the message {@code "FILE: PROBLEM"}.
     *
     * @param file    the data file
     * @param problem what is wrong with it and what was expected
     */
    public InvalidDataException(Path file, String problem) {
        super(file + ": " + problem);
    }

    /**
     * An exception with a message of the caller's.
     *
     * @param message one line naming the data and the problem
     */
    public InvalidDataException(String message) {
        super(message);
    }

    /**
     * An exception with a message of the caller's and the failure that led to it.
     *
     * @param message one line naming the data and the problem
     * @param cause   the underlying failure
     */
    public InvalidDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
