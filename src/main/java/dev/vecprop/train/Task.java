package dev.vecprop.train;

import dev.vecprop.ConfigException;
import dev.vecprop.data.DataSource;
import dev.vecprop.layer.Sequential;
import dev.vecprop.loss.BCE;
import dev.vecprop.loss.Loss;
import dev.vecprop.loss.Targets;

/**
 * What a model's outputs mean for a data source, checked once before any work: a classifier
 * (outputs = classes; labels are checked against the outputs), a binary classifier (one output on
 * two classes: labels become 0/1 targets, positive when the output passes the threshold), or
 * regression (outputs = the targets' size). Owns the reused label/target buffers of one batch size.
 */
final class Task {
    enum Kind { CLASSIFY, BINARY, REGRESS }

    final Kind kind;
    final int outputs;
    final int classes;
    final float threshold;
    final int[] labels;
    final float[] values;
    final Targets targets;

    private Task(Kind kind, int outputs, int classes, float threshold, int batch) {
        this.kind = kind;
        this.outputs = outputs;
        this.classes = classes;
        this.threshold = threshold;
        this.labels = new int[batch];
        this.values = kind == Kind.CLASSIFY ? null : new float[batch * outputs];
        this.targets = kind == Kind.CLASSIFY ? Targets.labels(labels, 0) : Targets.values(values, 0);
    }

    /** Checks that {@code model}'s outputs fit {@code data}; {@code what} names the data in messages. */
    static Task of(Sequential model, DataSource data, Loss loss, int batch, String what) {
        int in = model.inputShape().size();
        if (data.sampleShape().size() != in) {
            throw new ConfigException(what + " (" + data.name() + ") has samples of " + data.sampleShape()
                    + ", the model takes " + model.inputShape());
        }
        int out = model.outputShape().size();
        int classes = data.classes();
        if (classes == 0) {
            if (data.targetSize() != out) {
                throw new ConfigException(what + " (" + data.name() + ") has targets of " + data.targetSize()
                        + " values, the model has " + out + " outputs");
            }
            return new Task(Kind.REGRESS, out, 0, 0f, batch);
        }
        if (out == 1) {
            if (classes > 2) {
                throw new ConfigException(what + " (" + data.name() + ") has " + classes
                        + " classes, a one-output model is a binary classifier (classes 0 and 1)");
            }
            return new Task(Kind.BINARY, 1, 2, loss instanceof BCE ? 0.5f : 0f, batch);
        }
        if (classes > out) {
            throw new ConfigException(what + " (" + data.name() + ") has labels 0.." + (classes - 1)
                    + ", the model has only " + out + " outputs");
        }
        return new Task(Kind.CLASSIFY, out, out, 0f, batch);
    }

    /** Gathers a batch of {@code count} samples into {@code x} and this task's targets. */
    void gather(DataSource data, int[] order, int from, int count, float[] x) {
        if (kind == Kind.REGRESS) {
            data.gather(order, from, count, x, 0, null, 0, values, 0);
            return;
        }
        data.gather(order, from, count, x, 0, labels, 0, null, 0);
        for (int k = 0; k < count; k++) {
            if (labels[k] < 0 || labels[k] >= classes) {
                throw new dev.vecprop.data.InvalidDataException(data.name() + ": label " + labels[k]
                        + " of sample " + (order == null ? from + k : order[from + k]) + " is outside 0.." + (classes - 1));
            }
        }
        if (kind == Kind.BINARY) {
            for (int k = 0; k < count; k++) {
                values[k] = labels[k];
            }
        }
    }

    /** The predicted class of the output row at {@code d[o..]}. */
    int predict(float[] d, int o) {
        if (kind == Kind.BINARY) {
            return d[o] > threshold ? 1 : 0;
        }
        int best = 0;
        for (int j = 1; j < outputs; j++) {
            if (d[o + j] > d[o + best]) {
                best = j;
            }
        }
        return best;
    }

    /** Rank of the true class (0 = predicted): classes ranked above it, ties broken toward the lower class. */
    int rank(float[] d, int o, int truth) {
        if (kind == Kind.BINARY) {
            return predict(d, o) == truth ? 0 : 1;
        }
        float v = d[o + truth];
        int r = 0;
        for (int j = 0; j < outputs; j++) {
            if (d[o + j] > v || (d[o + j] == v && j < truth)) {
                r++;
            }
        }
        return r;
    }
}
