package dev.vecprop.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of this library: the build's {@code project.version}, filtered into the resource
 * {@code dev/vecprop/io/version.properties} at build time. Checkpoint metadata and the command
 * line's version output both read it from here, so the jar, its module version and the code agree.
 */
public final class LibraryVersion {
    private LibraryVersion() {}

    private static final String VERSION = load();

    /**
     * Returns the library version, such as {@code 0.1.0-SNAPSHOT}.
     *
     * @return the version string, or {@code "unknown"} when the classes run without the build's
     *         filtered resource (for example compiled by an IDE that does not filter resources)
     */
    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = LibraryVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "").strip();
            return v.isEmpty() || v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dev/vecprop/io/version.properties", e);
        }
    }
}
