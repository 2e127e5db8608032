package dev.vecprop.cli;

import dev.vecprop.data.DataFiles;
import dev.vecprop.data.IdxDataset;
import dev.vecprop.data.InvalidDataException;
import dev.vecprop.data.KnownDataset;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code --dataset NAME} / {@code --data DIR} resolved to an opened train/test pair. The CLI opts in
 * to fetching: a known data set missing from the data root is fetched ({@link DatasetFetcher}).
 * {@code classNames} are a known data set's names of its classes, null for a folder given with --data.
 */
record DataOptions(IdxDataset train, IdxDataset test, String name, List<String> classNames) implements AutoCloseable {

    /**
     * Opens the data; {@code classes > 0} checks every label against it (the model's outputs),
     * 0 infers the count from the labels.
     */
    static DataOptions open(String cmd, String dataset, Path dataDir, int classes, PrintStream log) {
        Path root = DataRoot.fromLauncher();
        Path dir;
        String name;
        List<String> classNames = null;
        if (dataDir != null) {
            dir = dataDir;
            name = dir.toString();
        } else {
            KnownDataset k = KnownDataset.byName(dataset);
            if (k == null) {
                throw new UsageException(cmd + ": unknown --dataset '" + dataset
                        + "' (mnist, fashion-mnist, or --data DIR with the four IDX files)");
            }
            Path local = root.resolve(k.id());
            dir = DataFiles.present(local) && !hasAllExpected(k, local) ? local : DatasetFetcher.ensure(k, root, log);
            name = k.id();
            classNames = k.classNames();
        }
        DataFiles f = DataFiles.locate(dir, root.resolve(".cache").resolve(dir.getFileName().toString()));
        IdxDataset train = f.openTrain(classes);
        IdxDataset test;
        try {
            test = f.openTest(classes > 0 ? classes : train.classes());
            if (test.itemSize() != train.itemSize()) {
                throw new InvalidDataException(f.testImages(), "samples of " + test.sampleShape()
                        + " differ from the training samples " + train.sampleShape());
            }
        } catch (RuntimeException e) {
            train.close();
            throw e;
        }
        return new DataOptions(train, test, name, classNames);
    }

    /** A folder that holds the raw files of a known data set but not its verified originals is used as is. */
    private static boolean hasAllExpected(KnownDataset k, Path dir) {
        return k.sha256().keySet().stream().allMatch(n -> Files.isRegularFile(dir.resolve(n)));
    }

    @Override
    public void close() {
        train.close();
        test.close();
    }
}
