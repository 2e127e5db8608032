package dev.vecprop.data;

import dev.vecprop.internal.Require;

import dev.vecprop.ConfigException;
import dev.vecprop.layer.Shape;

/**
 * Samples held in memory: features as one row-major {@code float[]} ({@code size} rows of
 * {@code shape.size()} floats) with class labels or real-valued targets. Every value is checked
 * once when the source is made (lengths, labels in range, finite features and targets), so a bad
 * array is reported before any training starts. The arrays are not copied: do not change them
 * while the source is in use.
 *
 * <pre>
 *   DataSource train = ArrayDataSource.labeled(pixels, Shape.of(784), labels, 10);
 *   DataSource reg   = ArrayDataSource.regression(x, Shape.of(3), y, 1);
 * </pre>
 */
public final class ArrayDataSource implements DataSource {
    private final float[] x;
    private final Shape shape;
    private final int[] labels;
    private final int classes;
    private final float[] targets;
    private final int targetSize;
    private final int size;
    private final Normalization norm;
    private final String name;

    private ArrayDataSource(float[] x, Shape shape, int[] labels, int classes, float[] targets, int targetSize,
                            int size, Normalization norm, String name) {
        this.x = x;
        this.shape = shape;
        this.labels = labels;
        this.classes = classes;
        this.targets = targets;
        this.targetSize = targetSize;
        this.size = size;
        this.norm = norm;
        this.name = name;
    }

    /**
     * Labelled samples.
     *
     * @param features row-major features, {@code labels.length * shape.size()} floats, all finite
     * @param shape    the shape of one sample
     * @param labels   one class label per sample, each in {@code 0..classes-1}
     * @param classes  the number of classes, {@code >= 1}
     * @return the source
     * @throws ConfigException naming the array, position and value that do not fit
     */
    public static ArrayDataSource labeled(float[] features, Shape shape, int[] labels, int classes) {
        Require.notNull(features, "features");
        Require.notNull(shape, "shape");
        Require.notNull(labels, "labels");
        if (classes < 1) {
            throw new ConfigException("classes must be >= 1, got " + classes);
        }
        checkFeatures(features, shape, labels.length);
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new ConfigException("labels[" + i + "] = " + labels[i] + " is outside 0.." + (classes - 1));
            }
        }
        return new ArrayDataSource(features, shape, labels, classes, null, 0, labels.length, Normalization.NONE,
                "in-memory data");
    }

    /**
     * Samples with real-valued targets (regression).
     *
     * @param features   row-major features, {@code n * shape.size()} floats, all finite
     * @param shape      the shape of one sample
     * @param targets    row-major targets, {@code n * targetSize} floats, all finite
     * @param targetSize floats per sample's target, {@code >= 1}
     * @return the source
     * @throws ConfigException naming the array and what does not fit
     */
    public static ArrayDataSource regression(float[] features, Shape shape, float[] targets, int targetSize) {
        Require.notNull(features, "features");
        Require.notNull(shape, "shape");
        Require.notNull(targets, "targets");
        if (targetSize < 1) {
            throw new ConfigException("targetSize must be >= 1, got " + targetSize);
        }
        if (targets.length % targetSize != 0) {
            throw new ConfigException("targets: " + targets.length + " floats are not a whole number of "
                    + targetSize + "-float targets");
        }
        int n = targets.length / targetSize;
        checkFeatures(features, shape, n);
        checkFinite("targets", targets, targetSize);
        return new ArrayDataSource(features, shape, null, 0, targets, targetSize, n, Normalization.NONE,
                "in-memory data");
    }

    /**
     * Declares the normalisation the features already carry (see {@link DataSource#normalization()}).
     *
     * @param n the normalisation applied to the raw values
     * @return a source over the same arrays reporting {@code n}
     * @throws ConfigException if {@code n} is null
     */
    public ArrayDataSource withNormalization(Normalization n) {
        Require.notNull(n, "normalization");
        return new ArrayDataSource(x, shape, labels, classes, targets, targetSize, size, n, name);
    }

    /**
     * Names the source in messages (the default is {@code "in-memory data"}).
     *
     * @param name a name for messages
     * @return a source over the same arrays with that name
     */
    public ArrayDataSource named(String name) {
        Require.notNull(name, "name");
        return new ArrayDataSource(x, shape, labels, classes, targets, targetSize, size, norm, name);
    }

    private static void checkFeatures(float[] f, Shape shape, int n) {
        if (n < 1) {
            throw new ConfigException("a data source needs at least one sample");
        }
        long need = (long) n * shape.size();
        if (f.length != need) {
            throw new ConfigException("features: " + n + " samples of " + shape + " need " + need
                    + " floats, the array has " + f.length);
        }
        checkFinite("features", f, shape.size());
    }

    private static void checkFinite(String what, float[] a, int row) {
        for (int i = 0; i < a.length; i++) {
            if (!Float.isFinite(a[i])) {
                throw new ConfigException(what + "[" + i + "] (sample " + i / row + ") is " + a[i]
                        + "; values must be finite");
            }
        }
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Shape sampleShape() {
        return shape;
    }

    @Override
    public int classes() {
        return classes;
    }

    @Override
    public int targetSize() {
        return targetSize;
    }

    @Override
    public Normalization normalization() {
        return norm;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int label(int i) {
        if (labels == null) {
            return DataSource.super.label(i);
        }
        return labels[i];
    }

    @Override
    public void gather(int[] order, int from, int count, float[] xs, int xo, int[] ys, int lo, float[] ts, int to) {
        int f = shape.size();
        int n = size();
        if (count < 0 || from < 0 || from + (long) count > (order == null ? n : order.length)) {
            throw new dev.vecprop.layer.ShapeException(name() + ": gather " + count + " samples from position " + from
                    + " of " + (order == null ? n + " samples" : "an order of " + order.length));
        }
        if (xs == null || xo < 0 || xo + (long) count * f > xs.length) {
            throw new dev.vecprop.layer.ShapeException(name() + ": " + count + " samples of " + f + " values from offset "
                    + xo + " do not fit " + (xs == null ? "a null array" : "an array of " + xs.length));
        }
        if (labels != null && ys != null && (lo < 0 || lo + (long) count > ys.length)) {
            throw new dev.vecprop.layer.ShapeException(name() + ": " + count + " labels from offset " + lo
                    + " do not fit an array of " + ys.length);
        }
        if (targets != null && ts != null && (to < 0 || to + (long) count * targetSize > ts.length)) {
            throw new dev.vecprop.layer.ShapeException(name() + ": " + count + " targets of " + targetSize
                    + " values from offset " + to + " do not fit an array of " + ts.length);
        }
        for (int k = 0; k < count; k++) {
            int i = order == null ? from + k : order[from + k];
            if (i < 0 || i >= n) {
                throw new dev.vecprop.layer.ShapeException(name() + ": order[" + (from + k) + "] = " + i
                        + " is not a sample index 0.." + (n - 1));
            }
            System.arraycopy(x, i * f, xs, xo + k * f, f);
            if (labels != null && ys != null) {
                ys[lo + k] = labels[i];
            }
            if (targets != null && ts != null) {
                System.arraycopy(targets, i * targetSize, ts, to + k * targetSize, targetSize);
            }
        }
    }
}
