package dev.vecprop.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.GZIPInputStream;

/**
 * The four IDX files of an MNIST-like data set in one folder — {@code train-images-idx3-ubyte},
 * {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte} —
 * raw or gzipped. A {@code .gz} is decompressed once, atomically, into the raw file beside it
 * (or into {@code cacheDir} if the folder is read-only), and the raw file is what gets mapped.
 *
 * @param trainImages the raw training image file ({@code train-images-idx3-ubyte})
 * @param trainLabels the raw training label file ({@code train-labels-idx1-ubyte})
 * @param testImages  the raw test image file ({@code t10k-images-idx3-ubyte})
 * @param testLabels  the raw test label file ({@code t10k-labels-idx1-ubyte})
 */
public record DataFiles(Path trainImages, Path trainLabels, Path testImages, Path testLabels) {

    /** The raw file names, in the order train images, train labels, test images, test labels. */
    public static final String[] NAMES = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
            "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};

    /**
     * Tells whether a folder holds a complete data set.
     *
     * @param dir the folder to look in
     * @return true if {@code dir} holds all four files, each raw or gzipped
     */
    public static boolean present(Path dir) {
        for (String n : NAMES) {
            if (!Files.isRegularFile(dir.resolve(n)) && !Files.isRegularFile(dir.resolve(n + ".gz"))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Finds the four files in {@code dir}, preferring a raw file over its {@code .gz}; a gzipped
     * one is decompressed once (again only if the {@code .gz} is newer than the raw copy).
     *
     * @param dir      the folder holding the files
     * @param cacheDir where to decompress to when {@code dir} is not writable (created if needed)
     * @return the paths of the four raw files
     * @throws InvalidDataException if {@code dir} is not a folder, a file is missing, or a
     *                              {@code .gz} cannot be decompressed
     */
    public static DataFiles locate(Path dir, Path cacheDir) {
        if (!Files.isDirectory(dir)) {
            throw new InvalidDataException(dir, "no such data folder");
        }
        Path[] p = new Path[4];
        for (int i = 0; i < 4; i++) {
            Path raw = dir.resolve(NAMES[i]);
            Path gz = dir.resolve(NAMES[i] + ".gz");
            if (Files.isRegularFile(raw)) {
                p[i] = raw;
            } else if (Files.isRegularFile(gz)) {
                p[i] = gunzipOnce(gz, Files.isWritable(dir) ? raw : cacheDir.resolve(NAMES[i]));
            } else {
                throw new InvalidDataException(dir, "missing " + NAMES[i] + " (raw or .gz)");
            }
        }
        return new DataFiles(p[0], p[1], p[2], p[3]);
    }

    /** Decompresses {@code gz} to {@code out} unless out exists and is newer; temp file + atomic rename. */
    static Path gunzipOnce(Path gz, Path out) {
        try {
            if (Files.isRegularFile(out) && Files.getLastModifiedTime(out).compareTo(Files.getLastModifiedTime(gz)) >= 0) {
                return out;
            }
            Files.createDirectories(out.toAbsolutePath().getParent());
            Path tmp = Files.createTempFile(out.toAbsolutePath().getParent(), out.getFileName() + ".", ".part");
            try (InputStream in = new GZIPInputStream(Files.newInputStream(gz), 1 << 16);
                 OutputStream os = Files.newOutputStream(tmp)) {
                in.transferTo(os);
            } catch (IOException e) {
                Files.deleteIfExists(tmp);
                throw new InvalidDataException(gz, "cannot decompress (" + e.getMessage() + ")");
            }
            try {
                Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
            }
            return out;
        } catch (IOException e) {
            throw new InvalidDataException(gz, "cannot decompress to " + out + " (" + e.getMessage() + ")");
        }
    }

    /**
     * Opens the training images and labels.
     *
     * @param classes the number of classes (labels must be below it), or {@code <= 0} to infer it
     *                from the largest label
     * @return the open data set; close it when done
     * @throws InvalidDataException if a file is not a valid image or label file, or they do not match
     */
    public IdxDataset openTrain(int classes) {
        return IdxDataset.open(trainImages, trainLabels, classes);
    }

    /**
     * Opens the test images and labels.
     *
     * @param classes the number of classes (labels must be below it), or {@code <= 0} to infer it
     *                from the largest label
     * @return the open data set; close it when done
     * @throws InvalidDataException if a file is not a valid image or label file, or they do not match
     */
    public IdxDataset openTest(int classes) {
        return IdxDataset.open(testImages, testLabels, classes);
    }
}
