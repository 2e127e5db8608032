package dev.vecprop.train;

import dev.vecprop.ConfigException;
import dev.vecprop.data.Normalization;

import java.nio.file.Path;
import java.util.Map;

/**
 * Keeps the best model of a fit on disk, as Keras' {@code ModelCheckpoint(save_best_only=True)}:
 * after every epoch whose monitored metric improves, the model is written with
 * {@link Checkpoint#save} (weights and structure, atomically), so the file always holds the best
 * epoch so far and {@link InferenceSession#load} serves it.
 */
public final class BestCheckpoint implements TrainingListener {
    private final Path file;
    private final Monitor monitor;
    private final Normalization normalization;
    private final Map<String, String> metadata;
    private double best = Double.NaN;
    private int bestEpoch = -1;

    /**
     * Keeps the best model by {@code monitor} in {@code file}, recording a normalisation and metadata.
     *
     * @param file          the file to keep the best model in (replaced at every improvement)
     * @param monitor       the metric that decides what is best
     * @param normalization the input normalisation to record (the training data's)
     * @param metadata      extra metadata entries (copied)
     * @throws ConfigException if an argument is null
     */
    public BestCheckpoint(Path file, Monitor monitor, Normalization normalization, Map<String, String> metadata) {
        if (file == null || monitor == null || normalization == null || metadata == null) {
            throw new ConfigException("BestCheckpoint needs a file, a metric, a normalization and metadata");
        }
        this.file = file;
        this.monitor = monitor;
        this.normalization = normalization;
        this.metadata = Map.copyOf(metadata);
    }

    /**
     * Keeps the best model by {@code monitor} in {@code file}, with no normalisation and no extra metadata.
     *
     * @param file    the file to keep the best model in (replaced at every improvement)
     * @param monitor the metric that decides what is best
     * @throws ConfigException if an argument is null
     */
    public BestCheckpoint(Path file, Monitor monitor) {
        this(file, monitor, Normalization.NONE, Map.of());
    }

    /** {@return the best epoch so far (from 0), or -1} */
    public int bestEpoch() {
        return bestEpoch;
    }

    @Override
    public void onFitStart(FitStart start) {
        if (monitor.needsValidation() && !start.validation()) {
            throw new ConfigException("keeping the best checkpoint by " + monitor.label() + " needs a validation set or split");
        }
        best = Double.NaN;
        bestEpoch = -1;
    }

    @Override
    public void onEpochEnd(EpochEvent e) {
        double v = e.metrics().value(monitor);
        if (monitor.improves(v, best, 0)) {
            best = v;
            bestEpoch = e.metrics().epoch();
            Checkpoint.save(file, e.model(), normalization, metadata);
        }
    }
}
