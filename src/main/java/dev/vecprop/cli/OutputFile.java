package dev.vecprop.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** An output file named by an option (--plot, --confusion-svg): its folder is made before any work starts. */
final class OutputFile {
    private OutputFile() {}

    /**
     * {@return {@code file}, its folder created if missing; null for null}
     *
     * @throws UsageException naming the option, if the file is a folder or its folder cannot be made
     */
    static Path prepare(String cmd, String option, Path file) {
        if (file == null) {
            return null;
        }
        if (Files.isDirectory(file)) {
            throw new UsageException(cmd + ": --" + option + " " + file + " is a folder; give a file name");
        }
        Path dir = file.toAbsolutePath().getParent();
        try {
            if (dir != null) {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw new UsageException(cmd + ": --" + option + " " + file + ": cannot create its folder " + dir
                    + " (" + e.getMessage() + ")");
        }
        return file;
    }
}
