package dev.vecprop.train;

import dev.vecprop.ConfigException;
import dev.vecprop.data.Normalization;
import dev.vecprop.layer.LayerRegistry;
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
    /**
     * One class and its probability.
     *
     * @param label       the class
     * @param probability its probability in [0, 1]
     */
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

    /**
     * A session over a model (not copied: do not train it while serving).
     *
     * @param model         the model
     * @param maxBatch      largest batch one call runs at once, {@code >= 1}; {@link #predictBatch} splits larger ones
     * @param normalization the normalisation to apply to raw inputs (the one the model was trained with)
     * @throws ConfigException if the model or the normalisation is null, or {@code maxBatch < 1}
     */
    public InferenceSession(Sequential model, int maxBatch, Normalization normalization) {
        if (model == null || normalization == null) {
            throw new ConfigException("InferenceSession needs a model and a normalization");
        }
        if (maxBatch < 1) {
            throw new ConfigException("maxBatch must be >= 1, got " + maxBatch);
        }
        model.workspace(maxBatch); // fails now, naming the size, if the workspace cannot be had
        this.model = model;
        this.maxBatch = maxBatch;
        this.in = model.inputShape().size();
        this.out = model.outputShape().size();
        this.mean = normalization.mean();
        this.invStd = 1f / normalization.std();
        this.binary = out == 1;
        this.state = ThreadLocal.withInitial(State::new);
    }

    /**
     * Loads any checkpoint of library layers: the model is rebuilt from the file's structure, the
     * normalisation taken from its metadata.
     *
     * @param file a checkpoint written by {@link Checkpoint#save} or a trainer
     * @return a session with batches of up to 256 samples per call
     * @throws dev.vecprop.io.CheckpointException naming the file and what is missing or malformed
     */
    public static InferenceSession load(Path file) {
        return load(file, LayerRegistry.builtIn());
    }

    /**
     * Loads a checkpoint whose model contains user layers.
     *
     * @param file     a checkpoint
     * @param registry factories for every layer type in the file
     * @return a session with batches of up to 256 samples per call
     * @throws dev.vecprop.io.CheckpointException naming the file and what is missing or malformed
     */
    public static InferenceSession load(Path file, LayerRegistry registry) {
        Checkpoint.Loaded l = Checkpoint.load(file, registry);
        return new InferenceSession(l.model(), 256, l.normalization());
    }

    /** {@return the model served} */
    public Sequential model() {
        return model;
    }

    /** {@return floats per sample} */
    public int inputSize() {
        return in;
    }

    /** {@return classes the model distinguishes (2 for a one-output binary classifier)} */
    public int classes() {
        return binary ? 2 : out;
    }

    private int run(State s, float[] x, int xo, int n) {
        if (x == null) {
            throw new ShapeException("predict: the input array is null");
        }
        if (xo < 0 || xo + (long) n * in > x.length) {
            throw new ShapeException("predict: " + n + " samples of " + in + " features from offset " + xo
                    + " do not fit an array of " + x.length);
        }
        for (int i = 0; i < n * in; i++) {
            s.x[i] = (x[xo + i] - mean) * invStd;
        }
        int yo = model.forward(s.ctx, s.ws, s.x, 0, n);
        float[] d = s.ws.data();
        for (int i = 0; i < n * out; i++) {
            if (!Float.isFinite(d[yo + i])) {
                int sample = i / out;
                throw new dev.vecprop.VecpropException("predict: the model's output for the sample at offset "
                        + (xo + (long) sample * in) + " is " + d[yo + i] + ": its input holds NaN or infinite values"
                        + " (or the weights do); no class can be read from it");
            }
        }
        return yo;
    }

    /**
     * Class probabilities of one sample.
     *
     * @param x     raw features (before normalisation)
     * @param xo    offset of the sample in {@code x}
     * @param probs destination
     * @param po    where the {@link #classes()} probabilities go in {@code probs}
     * @throws ShapeException if the sample or the probabilities do not fit their arrays
     */
    public void probabilities(float[] x, int xo, float[] probs, int po) {
        if (probs == null || po < 0 || po + (long) classes() > probs.length) {
            throw new ShapeException("probabilities: " + classes() + " probabilities from offset " + po
                    + " do not fit " + (probs == null ? "a null array" : "an array of " + probs.length));
        }
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

    /**
     * The most likely class of one sample.
     *
     * @param x raw features of one sample (before normalisation), {@link #inputSize()} floats from {@code x[0]}
     * @return its most likely class
     * @throws ShapeException if {@code x} is null or too short
     */
    public int predict(float[] x) {
        return predict(x, 0);
    }

    /**
     * The most likely class of one sample inside a larger array.
     *
     * @param x  raw features (before normalisation)
     * @param xo offset of the sample's {@link #inputSize()} floats in {@code x}
     * @return its most likely class
     * @throws ShapeException if the sample does not fit {@code x}
     */
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

    /**
     * Classes of {@code n} samples, maxBatch at a time.
     *
     * @param x      raw features, {@code n} rows of {@link #inputSize()} floats, row-major from {@code x[0]}
     * @param n      samples, {@code >= 0}
     * @param labels destination, at least {@code n} long; {@code labels[i]} gets sample i's class
     * @throws ShapeException if {@code n < 0} or an array is null or too short
     */
    public void predictBatch(float[] x, int n, int[] labels) {
        if (n < 0) {
            throw new ShapeException("predictBatch: n must be >= 0, got " + n);
        }
        if (labels == null || labels.length < n) {
            throw new ShapeException("predictBatch: " + n + " labels do not fit "
                    + (labels == null ? "a null array" : "an array of " + labels.length));
        }
        if (x == null || (long) n * in > x.length) {
            throw new ShapeException("predictBatch: " + n + " samples of " + in + " features do not fit "
                    + (x == null ? "a null array" : "an array of " + x.length));
        }
        State s = state.get();
        for (int from = 0; from < n; from += maxBatch) {
            int m = Math.min(maxBatch, n - from);
            int yo = run(s, x, from * in, m);
            for (int i = 0; i < m; i++) {
                labels[from + i] = argmax(s.ws.data(), yo + i * out);
            }
        }
    }

    /**
     * The most likely classes of one sample, with their probabilities.
     *
     * @param x raw features of one sample (before normalisation), {@link #inputSize()} floats from {@code x[0]}
     * @param k how many classes, 1..{@link #classes()}
     * @return the k most likely classes with probabilities, most likely first (ties: lower label first)
     * @throws ConfigException if {@code k} is out of range
     * @throws ShapeException if {@code x} is null or too short
     */
    public List<Prediction> topK(float[] x, int k) {
        State s = state.get();
        int c = classes();
        if (k < 1 || k > c) {
            throw new ConfigException("k must be in 1.." + c + ", got " + k);
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
