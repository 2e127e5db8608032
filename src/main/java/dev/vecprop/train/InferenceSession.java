package dev.vecprop.train;

import dev.vecprop.io.CheckpointException;
import dev.vecprop.io.Safetensors;
import dev.vecprop.kernel.ActivationsRef;
import dev.vecprop.kernel.RowSoftmax;
import dev.vecprop.layer.Context;
import dev.vecprop.layer.Sequential;
import dev.vecprop.layer.ShapeException;
import dev.vecprop.layer.Workspace;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Thread-safe inference for servers: one trained model, shared read-only, and any number of request
 * threads calling {@link #predict} at once with no lock on the hot path. Each thread gets its own
 * workspace (activations, input buffer, probabilities) the first time it calls, sized for
 * {@code maxBatch} samples; after that a prediction allocates nothing but its result (and the
 * array-filling variants not even that). Inputs are features as the data pipeline feeds them before
 * normalisation (pixels scaled to [0, 1]); the session applies the checkpoint's normalisation.
 *
 * <pre>
 *   InferenceSession s = InferenceSession.load(Path.of("mnist.safetensors"));
 *   int digit = s.predict(pixels);                      // pixels: 784 floats in [0, 1]
 *   List&lt;InferenceSession.Prediction&gt; top = s.topK(pixels, 3);
 * </pre>
 */
public final class InferenceSession {
    /** One class and its probability. */
    public record Prediction(int label, float probability) {}

    private final Sequential model;
    private final int maxBatch;
    private final int in;
    private final int out;
    private final float mean;
    private final float invStd;
    private final boolean binary;
    private final ThreadLocal<State> state;

    private final class State {
        final Workspace ws = model.workspace(maxBatch);
        final float[] x = new float[maxBatch * in];
        final float[] p = new float[Math.max(2, out)];
        final boolean[] used = new boolean[Math.max(2, out)];
        final Context ctx = Context.inference();
    }

    /** A session over {@code model} (not copied: do not train it while serving). */
    public InferenceSession(Sequential model, int maxBatch, float mean, float std) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
        }
        if (!(std > 0) || !Float.isFinite(mean)) {
            throw new IllegalArgumentException("normalisation needs std > 0 and a finite mean");
        }
        this.model = model;
        this.maxBatch = maxBatch;
        this.in = model.inputShape().size();
        this.out = model.outputShape().size();
        this.mean = mean;
        this.invStd = 1f / std;
        this.binary = out == 1;
        this.state = ThreadLocal.withInitial(State::new);
    }

    /** Loads a vecprop checkpoint (architecture and normalisation from its metadata). */
    public static InferenceSession load(Path file) {
        Safetensors.Contents c = Checkpoint.read(file);
        ModelSpec spec = Checkpoint.spec(file, c);
        if (spec == null) {
            throw new CheckpointException(file, "no vecprop.arch metadata; build the model and use the constructor");
        }
        Sequential m = spec.build();
        Checkpoint.loadInto(file, c, m);
        float mean = Checkpoint.metadataFloat(file, c, "vecprop.input_mean", 0f);
        float std = Checkpoint.metadataFloat(file, c, "vecprop.input_std", 1f);
        return new InferenceSession(m, 256, mean, std);
    }

    public int inputSize() {
        return in;
    }

    /** Classes the model distinguishes (2 for a one-output binary classifier). */
    public int classes() {
        return binary ? 2 : out;
    }

    private int run(State s, float[] x, int xo, int n) {
        if (xo < 0 || xo + (long) n * in > x.length) {
            throw new ShapeException("predict: " + n + " samples of " + in + " features from offset " + xo
                    + " do not fit an array of " + x.length);
        }
        for (int i = 0; i < n * in; i++) {
            s.x[i] = (x[xo + i] - mean) * invStd;
        }
        return model.forward(s.ctx, s.ws, s.x, 0, n);
    }

    /** Class probabilities of one sample into {@code probs[po .. po+classes())}. */
    public void probabilities(float[] x, int xo, float[] probs, int po) {
        State s = state.get();
        int yo = run(s, x, xo, 1);
        if (binary) {
            float q = ActivationsRef.sigmoid(s.ws.data()[yo]);
            probs[po] = 1f - q;
            probs[po + 1] = q;
        } else {
            RowSoftmax.softmax(s.ws.data(), yo, probs, po, 1, out);
        }
    }

    /** The most likely class of one sample. */
    public int predict(float[] x) {
        return predict(x, 0);
    }

    /** The most likely class of the sample at {@code x[xo..]}. */
    public int predict(float[] x, int xo) {
        State s = state.get();
        int yo = run(s, x, xo, 1);
        return argmax(s.ws.data(), yo);
    }

    private int argmax(float[] d, int yo) {
        if (binary) {
            return d[yo] > 0 ? 1 : 0;
        }
        int best = 0;
        for (int j = 1; j < out; j++) {
            if (d[yo + j] > d[yo + best]) {
                best = j;
            }
        }
        return best;
    }

    /** Classes of {@code n} samples (row-major in {@code x}) into {@code labels}, maxBatch at a time. */
    public void predictBatch(float[] x, int n, int[] labels) {
        State s = state.get();
        for (int from = 0; from < n; from += maxBatch) {
            int m = Math.min(maxBatch, n - from);
            int yo = run(s, x, from * in, m);
            for (int i = 0; i < m; i++) {
                labels[from + i] = argmax(s.ws.data(), yo + i * out);
            }
        }
    }

    /** The {@code k} most likely classes with probabilities, most likely first (ties: lower label first). */
    public List<Prediction> topK(float[] x, int k) {
        State s = state.get();
        int c = classes();
        if (k < 1 || k > c) {
            throw new IllegalArgumentException("k must be in 1.." + c + ", got " + k);
        }
        probabilities(x, 0, s.p, 0);
        List<Prediction> r = new ArrayList<>(k);
        java.util.Arrays.fill(s.used, false);
        for (int t = 0; t < k; t++) {
            int best = -1;
            for (int j = 0; j < c; j++) {
                if (!s.used[j] && (best < 0 || s.p[j] > s.p[best])) {
                    best = j;
                }
            }
            s.used[best] = true;
            r.add(new Prediction(best, s.p[best]));
        }
        return r;
    }
}
