package dev.vecprop.cli;

/** Bad command-line usage or bad input: exit code 2, one line on stderr. */
public final class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
