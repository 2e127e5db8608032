package dev.vecprop.data;

import dev.vecprop.ConfigException;
import dev.vecprop.layer.Shape;

import java.util.function.IntUnaryOperator;

/** Another labelled source with its labels mapped: {@link DataSource#mapLabels}. */
final class RelabeledSource implements DataSource {
    private final DataSource base;
    private final IntUnaryOperator map;
    private final int classes;

    RelabeledSource(DataSource base, IntUnaryOperator map, int classes) {
        if (base.classes() == 0) {
            throw new ConfigException(base.name() + " has real-valued targets; only labels can be mapped");
        }
        if (classes < 1) {
            throw new ConfigException("mapped labels need classes >= 1, got " + classes);
        }
        this.base = base;
        this.map = map;
        this.classes = classes;
    }

    private int mapped(int y) {
        int v = map.applyAsInt(y);
        if (v < 0 || v >= classes) {
            throw new ConfigException(base.name() + ": label " + y + " maps to " + v + ", outside 0.." + (classes - 1));
        }
        return v;
    }

    @Override
    public int size() {
        return base.size();
    }

    @Override
    public Shape sampleShape() {
        return base.sampleShape();
    }

    @Override
    public int classes() {
        return classes;
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
        return mapped(base.label(i));
    }

    @Override
    public void gather(int[] order, int from, int count, float[] x, int xo, int[] labels, int lo, float[] targets, int to) {
        base.gather(order, from, count, x, xo, labels, lo, null, 0);
        if (labels != null) {
            for (int k = 0; k < count; k++) {
                labels[lo + k] = mapped(labels[lo + k]);
            }
        }
    }
}
