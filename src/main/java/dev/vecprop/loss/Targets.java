package dev.vecprop.loss;

/**
 * What a loss compares against: class labels ({@code int}, one per sample) or real-valued targets
 * (one per output element). A view into caller-owned arrays; reusable across batches with {@link #at}.
 */
public final class Targets {
    private int[] labels;
    private float[] values;
    private int offset;

    private Targets() {}

    /**
     * {@return a view of class labels, sample b's at {@code labels[off + b]}}
     *
     * @param labels the labels, each in 0..classes-1 (checked by the loss); not copied
     * @param off    the offset of the batch's first label
     * @throws dev.vecprop.ConfigException if {@code labels} is null
     */
    public static Targets labels(int[] labels, int off) {
        if (labels == null) {
            throw new dev.vecprop.ConfigException("Targets.labels: the labels array must not be null");
        }
        Targets t = new Targets();
        t.labels = labels;
        t.offset = off;
        return t;
    }

    /**
     * {@return a view of real-valued targets laid out like the predictions, row-major
     * [batch][features] from {@code values[off]}}
     *
     * @param values the targets (in [0, 1] for the binary cross-entropies); not copied
     * @param off    the offset of the batch's first target
     * @throws dev.vecprop.ConfigException if {@code values} is null
     */
    public static Targets values(float[] values, int off) {
        if (values == null) {
            throw new dev.vecprop.ConfigException("Targets.values: the values array must not be null");
        }
        Targets t = new Targets();
        t.values = values;
        t.offset = off;
        return t;
    }

    /**
     * Repoints this view at another batch of the same array (no allocation in a training loop).
     *
     * @param off the new offset of the batch's first label or target
     * @return this view
     */
    public Targets at(int off) {
        this.offset = off;
        return this;
    }

    int[] labels(String loss) {
        if (labels == null) {
            throw new dev.vecprop.ConfigException(loss + " needs class labels, got real-valued targets");
        }
        return labels;
    }

    float[] values(String loss) {
        if (values == null) {
            throw new dev.vecprop.ConfigException(loss + " needs real-valued targets, got class labels");
        }
        return values;
    }

    float[] valuesOrNull() {
        return values;
    }

    int[] labelsOrNull() {
        return labels;
    }

    int offset() {
        return offset;
    }

    /** The label of sample {@code b}, checked to be within {@code 0..classes-1}; errors name the loss. */
    int label(String loss, int b, int classes) {
        int[] y = labels(loss);
        int idx = offset + b;
        if (idx < 0 || idx >= y.length) {
            throw new dev.vecprop.ConfigException(loss + ": no label for sample " + b + " (labels array of "
                    + y.length + " from offset " + offset + ")");
        }
        int label = y[idx];
        if (label < 0 || label >= classes) {
            throw new dev.vecprop.ConfigException(loss + ": label " + label + " of sample " + b + " is outside 0.."
                    + (classes - 1));
        }
        return label;
    }
}
