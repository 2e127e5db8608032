package dev.vecprop.io;

import dev.vecprop.VecpropException;

/** Text given to {@link Json#parse(String)} is not strict JSON; the message gives the character offset. */
public class MalformedJsonException extends VecpropException {
    /**
     * Creates the exception.
     *
     * @param message one line: where in the text and what was expected
     */
    public MalformedJsonException(String message) {
        super(message);
    }
}
