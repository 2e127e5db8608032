package dev.vecprop.spark;

import dev.vecprop.layer.LayerRegistry;
import dev.vecprop.loss.Loss;
import dev.vecprop.optim.OptimizerFactory;

import java.io.Serializable;

/**
 * What every task of one fit needs and does not change between rounds, broadcast once: the model
 * (as a checkpoint file's bytes: its structure and initial weights), how to make the loss and the
 * optimizer, and the fit's settings.
 */
final class Setup implements Serializable {
    private static final long serialVersionUID = 1L;

    final String runId;
    final Mode mode;
    final byte[] modelFile;
    final SerializableSupplier<Loss> loss;
    final SerializableSupplier<OptimizerFactory> optimizer;
    final SerializableSupplier<LayerRegistry> layers;
    final int threads;
    final long seed;
    final boolean shuffle;
    final int batch;
    final int samples;
    final int partitions;
    /** IDX files every executor reads (null when the samples come from an RDD). */
    final String images;
    final String labels;
    final int classes;
    final float mean;
    final float std;
    /** Test hook: the round and partition whose first attempt fails after computing (-1: none). */
    final long failRound;
    final int failPartition;

    Setup(String runId, Mode mode, byte[] modelFile, SerializableSupplier<Loss> loss,
          SerializableSupplier<OptimizerFactory> optimizer, SerializableSupplier<LayerRegistry> layers, int threads,
          long seed, boolean shuffle, int batch, int samples, int partitions, String images, String labels, int classes,
          float mean, float std, long failRound, int failPartition) {
        this.runId = runId;
        this.mode = mode;
        this.modelFile = modelFile;
        this.loss = loss;
        this.optimizer = optimizer;
        this.layers = layers;
        this.threads = threads;
        this.seed = seed;
        this.shuffle = shuffle;
        this.batch = batch;
        this.samples = samples;
        this.partitions = partitions;
        this.images = images;
        this.labels = labels;
        this.classes = classes;
        this.mean = mean;
        this.std = std;
        this.failRound = failRound;
        this.failPartition = failPartition;
    }
}
