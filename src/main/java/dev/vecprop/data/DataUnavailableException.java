package dev.vecprop.data;

import java.nio.file.Path;

/** A known data set that is missing and could not be fetched; the message says what to do instead. */
public class DataUnavailableException extends RuntimeException {
    public DataUnavailableException(KnownDataset d, Path dir, String problem) {
        super("cannot fetch " + d.id() + " from " + d.source() + ": " + problem + ". Place "
                + String.join(", ", new java.util.TreeSet<>(d.sha256().keySet())) + " in " + dir
                + " (or pass --data DIR with the four IDX files, raw or .gz)");
    }
}
