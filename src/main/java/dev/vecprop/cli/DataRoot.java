package dev.vecprop.cli;

import java.nio.file.Path;

/**
 * The command line's data folder: where known data sets are looked for, fetched and cached. The
 * launcher passes it as {@code -Dvecprop.data} (the checkout's data/, or {@code $VECPROP_DATA});
 * without it, ./data. This is the one place that reads the property: the library takes the folder
 * as a {@code Path} argument ({@code DataFiles.locate}, {@link DatasetFetcher#ensure}), never from a
 * property. Public for the benchmarks, which read the launcher's data folder too.
 */
public final class DataRoot {
    private DataRoot() {}

    /** The launcher's property naming the data folder. */
    public static final String PROPERTY = "vecprop.data";

    /** {@return the data folder the launcher named, else {@code data} in the working directory} */
    public static Path fromLauncher() {
        return Path.of(System.getProperty(PROPERTY, "data"));
    }
}
