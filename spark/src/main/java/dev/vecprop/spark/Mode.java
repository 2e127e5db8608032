package dev.vecprop.spark;

/** How {@link SparkTrainer} spreads one model's training over Spark partitions. */
public enum Mode {
    /**
     * Synchronous data parallelism: every round is one optimizer step of a global batch; each
     * partition computes the gradient of its share, the driver adds the shares in partition order
     * and applies the update. The same weights as one process training on the same global batch,
     * to float rounding, and bit-identical from run to run for a given partition count and seed.
     */
    SYNC,
    /**
     * Local SGD with averaging: every round, each partition takes {@code K} optimizer steps on its
     * own samples from the same starting point; the driver averages the parameters, buffers and
     * optimizer state in partition order. Far fewer exchanges than {@link #SYNC}, for throughput
     * over slow networks; bit-identical from run to run for a given partition count and seed.
     */
    AVG
}
