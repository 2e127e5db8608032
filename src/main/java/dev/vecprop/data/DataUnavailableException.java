package dev.vecprop.data;

import java.nio.file.Path;

/** A known data set that is missing and could not be fetched; the message says what to do instead. */
public class DataUnavailableException extends dev.vecprop.VecpropException {
    /**
     * Builds the message: what failed, and which files to place where by hand.
     *
     * @param d       the data set
     * @param dir     the folder it was to be placed in
     * @param problem why it could not be fetched
     */
    public DataUnavailableException(KnownDataset d, Path dir, String problem) {
        super("cannot fetch " + d.id() + " from " + d.source() + ": " + problem + ". Place "
                + String.join(", ", new java.util.TreeSet<>(d.sha256().keySet())) + " in " + dir
                + " (or open a folder with the four IDX files, raw or .gz)");
    }
}
