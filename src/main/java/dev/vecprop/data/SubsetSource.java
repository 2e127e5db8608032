package dev.vecprop.data;

import dev.vecprop.ConfigException;
import dev.vecprop.layer.Shape;

/** Some samples of another source, in a given order: {@link DataSource#subset}. */
final class SubsetSource implements DataSource {
    private final DataSource base;
    private final int[] indices;
    private int[] mapped = new int[0];

    SubsetSource(DataSource base, int[] indices) {
        if (indices.length == 0) {
            throw new ConfigException(base.name() + ": a subset needs at least one sample");
        }
        int n = base.size();
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= n) {
                throw new ConfigException(base.name() + ": subset index " + indices[i] + " at position " + i
                        + " is outside 0.." + (n - 1));
            }
        }
        this.base = base;
        this.indices = indices.clone();
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public Shape sampleShape() {
        return base.sampleShape();
    }

    @Override
    public int classes() {
        return base.classes();
    }

    @Override
    public int targetSize() {
        return base.targetSize();
    }

    @Override
    public Normalization normalization() {
        return base.normalization();
    }

    @Override
    public String name() {
        return base.name();
    }

    @Override
    public int label(int i) {
        return base.label(indices[i]);
    }

    @Override
    public void gather(int[] order, int from, int count, float[] x, int xo, int[] labels, int lo, float[] targets, int to) {
        if (mapped.length < count) {
            mapped = new int[Math.max(count, 2 * mapped.length)]; // grows to the batch size once
        }
        for (int k = 0; k < count; k++) {
            mapped[k] = indices[order == null ? from + k : order[from + k]];
        }
        base.gather(mapped, 0, count, x, xo, labels, lo, targets, to);
    }
}
