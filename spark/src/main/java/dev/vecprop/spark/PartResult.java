package dev.vecprop.spark;

import java.io.Serializable;

/**
 * What one partition's task returns for a round: in {@link Mode#SYNC} the gradient of its share of
 * the global batch (already divided by the global batch size), in {@link Mode#AVG} its parameters
 * and optimizer state after its local steps; its buffers, loss and counts either way.
 */
final class PartResult implements Serializable {
    private static final long serialVersionUID = 1L;

    final int partition;
    /** Sync: gradients; avg: parameter values. */
    final float[] values;
    final float[] buffers;
    final float[][] optState;
    final double loss;
    final long samples;
    final long correct;
    final long seen;
    final long computeNanos;
    final String executor;
    final String vectors;

    PartResult(int partition, float[] values, float[] buffers, float[][] optState, double loss, long samples,
               long correct, long seen, long computeNanos, String executor, String vectors) {
        this.partition = partition;
        this.values = values;
        this.buffers = buffers;
        this.optState = optState;
        this.loss = loss;
        this.samples = samples;
        this.correct = correct;
        this.seen = seen;
        this.computeNanos = computeNanos;
        this.executor = executor;
        this.vectors = vectors;
    }
}
