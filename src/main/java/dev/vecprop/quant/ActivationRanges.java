package dev.vecprop.quant;

import dev.vecprop.ConfigException;
import dev.vecprop.data.DataSource;
import dev.vecprop.data.Normalization;
import dev.vecprop.layer.Context;
import dev.vecprop.layer.Layer;
import dev.vecprop.layer.Sequential;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The calibration pass: runs the float model layer by layer (inference mode) on the first N samples
 * of a data source, normalised as the model expects, and records the magnitudes at the inputs of the
 * chosen top-level layers; {@link #range} turns them into the range an int8 scale covers.
 */
final class ActivationRanges {
    private static final int BATCH = 100;

    private final Map<Integer, float[]> magnitudes = new HashMap<>();

    private ActivationRanges() {}

    /**
     * @param model   the float model
     * @param data    the calibration samples (raw features, as the data pipeline yields them)
     * @param norm    the model's input normalisation
     * @param samples how many of the first samples to run, {@code >= 1}
     * @param inputs  for each top-level layer index, whether to record its input
     */
    static ActivationRanges measure(Sequential model, DataSource data, Normalization norm, int samples, boolean[] inputs) {
        if (data.sampleShape().size() != model.inputShape().size()) {
            throw new ConfigException("quantize: the calibration data " + data.name() + " has samples of "
                    + data.sampleShape() + ", the model takes " + model.inputShape());
        }
        int n = Math.min(samples, data.size());
        ActivationRanges r = new ActivationRanges();
        java.util.List<Layer> layers = model.layers();
        int[] sizes = new int[layers.size()];
        for (int i = 0; i < layers.size(); i++) {
            if (inputs[i]) {
                sizes[i] = layers.get(i).inputShape().size();
                r.magnitudes.put(i, new float[n * sizes[i]]);
            }
        }
        Context ctx = Context.inference();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        int[] labels = new int[BATCH];
        float[] targets = data.targetSize() > 0 ? new float[BATCH * data.targetSize()] : null;
        for (int from = 0; from < n; from += BATCH) {
            int b = Math.min(BATCH, n - from);
            float[] x = new float[b * model.inputShape().size()];
            data.gather(order, from, b, x, 0, labels, 0, targets, 0);
            for (int i = 0; i < x.length; i++) {
                x[i] = norm.apply(x[i]);
            }
            for (int i = 0; i < layers.size(); i++) {
                Layer l = layers.get(i);
                if (inputs[i]) {
                    float[] m = r.magnitudes.get(i);
                    for (int k = 0; k < b * sizes[i]; k++) {
                        m[from * sizes[i] + k] = Math.abs(x[k]);
                    }
                }
                float[] y = new float[b * l.outputShape().size()];
                float[] ws = new float[Math.max(1, l.workspaceSize(b))];
                l.forward(ctx, b, x, 0, y, 0, ws, 0);
                x = y;
            }
        }
        return r;
    }

    /** The range at the input of top-level layer {@code i}: the largest magnitude, or the percentile. */
    float range(int i, Calibration method, double percentile) {
        float[] m = magnitudes.get(i);
        float r;
        if (method == Calibration.MINMAX) {
            r = 0f;
            for (float v : m) {
                r = Math.max(r, v);
            }
        } else {
            float[] s = m.clone();
            Arrays.sort(s);
            int k = (int) Math.min(s.length - 1, Math.ceil(percentile / 100.0 * s.length) - 1);
            r = s[Math.max(0, k)];
        }
        if (!Float.isFinite(r)) {
            throw new ConfigException("quantize: the calibration activations at the input of layer " + i
                    + " are not finite (NaN or infinite values in the data or the model)");
        }
        return r;
    }
}
