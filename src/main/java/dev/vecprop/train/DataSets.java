package dev.vecprop.train;

import dev.vecprop.data.DataFiles;
import dev.vecprop.data.DatasetFetcher;
import dev.vecprop.data.IdxDataset;
import dev.vecprop.data.KnownDataset;

import java.io.PrintStream;
import java.nio.file.Path;

/** Resolves {@code --dataset NAME} / {@code --data DIR} to an opened train/test pair. */
public record DataSets(IdxDataset train, IdxDataset test, String name) implements AutoCloseable {

    /** Opens the data named by the config, fetching a known data set if needed. */
    public static DataSets open(TrainConfig c, PrintStream log) {
        Path dir;
        String name;
        if (c.dataDir != null) {
            dir = c.dataDir;
            name = dir.toString();
        } else {
            KnownDataset k = KnownDataset.byName(c.dataset);
            if (k == null) {
                throw new IllegalArgumentException("unknown dataset '" + c.dataset
                        + "' (mnist, fashion-mnist, or --data DIR with the four IDX files)");
            }
            Path local = c.dataRoot.resolve(k.id());
            dir = DataFiles.present(local) && !hasAllExpected(k, local) ? local : DatasetFetcher.ensure(k, c.dataRoot, log);
            name = k.id();
        }
        DataFiles f = DataFiles.locate(dir, c.dataRoot.resolve(".cache").resolve(dir.getFileName().toString()));
        IdxDataset train = f.openTrain(0);
        IdxDataset test;
        try {
            test = f.openTest(0);
            if (test.itemSize() != train.itemSize()) {
                throw new dev.vecprop.data.InvalidDataException(f.testImages(), "samples of " + test.sampleShape()
                        + " differ from the training samples " + train.sampleShape());
            }
        } catch (RuntimeException e) {
            train.close();
            throw e;
        }
        return new DataSets(train, test, name);
    }

    /** A folder that holds the raw files of a known data set but not its verified originals is used as is. */
    private static boolean hasAllExpected(KnownDataset k, Path dir) {
        return k.sha256().keySet().stream().allMatch(n -> java.nio.file.Files.isRegularFile(dir.resolve(n)));
    }

    @Override
    public void close() {
        train.close();
        test.close();
    }
}
