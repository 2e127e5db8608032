package dev.vecprop.spark;

import dev.vecprop.data.DataSource;

/**
 * One partition's samples, cached on its executor for the whole fit: the global sample indices
 * {@code [lo, hi)} it owns (the order of the RDD, partition by partition) and where to read them:
 * an in-memory source built from the partition's rows (read at {@code index - lo}), or, for IDX
 * files, none here (each worker opens the files and reads at the global index).
 */
final class Shard {
    final int partition;
    final int lo;
    final int hi;
    final DataSource source;

    Shard(int partition, int lo, int hi, DataSource source) {
        this.partition = partition;
        this.lo = lo;
        this.hi = hi;
        this.source = source;
    }

    int size() {
        return hi - lo;
    }

    /** The offset to subtract from a global index to read it from {@link #source} (0 for IDX files). */
    int offset() {
        return source == null ? 0 : lo;
    }
}
