package dev.vecprop.internal;

import dev.vecprop.ConfigException;

/** Argument checks shared by the public entry points: a missing argument is a {@link ConfigException} naming it. */
public final class Require {
    private Require() {}

    /**
     * {@return {@code value}, if it is not null}
     *
     * @param value the argument
     * @param what  its name in the message, e.g. {@code "fit: the model"}
     * @param <T>   its type
     * @throws ConfigException "{@code what} must not be null"
     */
    public static <T> T notNull(T value, String what) {
        if (value == null) {
            throw new ConfigException(what + " must not be null");
        }
        return value;
    }
}
