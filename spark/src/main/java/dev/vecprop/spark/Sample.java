package dev.vecprop.spark;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One training sample as a Spark RDD holds it: a features vector (the model's input, row-major,
 * {@code model.inputShape().size()} floats) and either a class label or a real-valued target.
 *
 * <p>The arrays are not copied; do not change them after making the sample.
 *
 * @param features the model's input
 * @param label    the class label ({@code 0..classes-1}) of a labelled sample, -1 for a real-valued one
 * @param target   the real-valued target (regression), or null for a labelled sample
 */
public record Sample(float[] features, int label, float[] target) implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * Checks the sample.
     *
     * @throws IllegalArgumentException if the features are null, or neither (or both) of a label and a target are given
     */
    public Sample {
        if (features == null) {
            throw new IllegalArgumentException("sample: features must not be null");
        }
        if ((target == null) == (label < 0)) {
            throw new IllegalArgumentException("sample: give a label >= 0 or a target, exactly one (label " + label
                    + ", target " + (target == null ? "null" : target.length + " floats") + ")");
        }
    }

    /**
     * {@return a labelled sample}
     *
     * @param features the model's input
     * @param label    its class, {@code >= 0}
     */
    public static Sample labeled(float[] features, int label) {
        return new Sample(features, label, null);
    }

    /**
     * {@return a sample with a real-valued target (regression)}
     *
     * @param features the model's input
     * @param target   the target values
     */
    public static Sample regression(float[] features, float[] target) {
        return new Sample(features, -1, target);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sample s && label == s.label && Arrays.equals(features, s.features) && Arrays.equals(target, s.target);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(features) + label) + Arrays.hashCode(target);
    }

    @Override
    public String toString() {
        return "Sample[" + features.length + " features, " + (target == null ? "label " + label : target.length + " targets") + "]";
    }
}
