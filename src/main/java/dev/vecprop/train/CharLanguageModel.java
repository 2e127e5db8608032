package dev.vecprop.train;

import dev.vecprop.ConfigException;
import dev.vecprop.concurrent.WorkerPool;
import dev.vecprop.data.TextCorpus;
import dev.vecprop.internal.ContextAccess;
import dev.vecprop.layer.Context;
import dev.vecprop.layer.Embedding;
import dev.vecprop.layer.LSTM;
import dev.vecprop.layer.Linear;
import dev.vecprop.layer.PaddingMask;
import dev.vecprop.layer.Sequential;
import dev.vecprop.layer.Shape;
import dev.vecprop.layer.TimeDistributed;
import dev.vecprop.layer.Workspace;
import dev.vecprop.loss.SoftmaxCrossEntropy;
import dev.vecprop.loss.Targets;
import dev.vecprop.optim.Adam;
import dev.vecprop.optim.GradientClipping;
import dev.vecprop.optim.Optimizer;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A character-level language model: {@code Embedding(128, E) -> LSTM(E -> H, layers, whole sequence)
 * -> TimeDistributed(Linear(H -> 128))} over windows of T characters ({@link TextCorpus}), trained to
 * predict the next character at every step with the mean softmax cross-entropy over all B·T
 * positions (Adam, cosine learning rate, global gradient-norm clipping), and sampled one character
 * at a time. Losses are in nats per character; bits per character are {@code loss / ln 2}.
 */
public final class CharLanguageModel {
    private CharLanguageModel() {}

    /**
     * Training settings.
     *
     * @param epochs   passes over the training windows, at least 1
     * @param batch    windows per step, at least 1
     * @param lr       Adam's peak learning rate (cosine decay to 0 over the run), positive
     * @param clipNorm the global gradient norm is clipped to this (0: no clipping)
     * @param seed     the seed of the window order (and of nothing else: initialise the model yourself)
     * @param threads  worker threads, at least 1
     * @param limit    train on at most this many windows per epoch (0: all)
     */
    public record Options(int epochs, int batch, double lr, double clipNorm, long seed, int threads, int limit) {
        /**
         * Checks the settings.
         *
         * @throws ConfigException naming the setting that is out of range
         */
        public Options {
            if (epochs < 1 || batch < 1 || threads < 1 || limit < 0) {
                throw new ConfigException("CharLanguageModel.Options: epochs, batch and threads must be >= 1 and limit >= 0");
            }
            if (!(lr > 0) || !(clipNorm >= 0) || Double.isInfinite(lr)) {
                throw new ConfigException("CharLanguageModel.Options: lr must be positive and clipNorm >= 0, got "
                        + lr + " and " + clipNorm);
            }
        }
    }

    /**
     * One epoch's figures.
     *
     * @param epoch          the epoch, from 1
     * @param trainLoss      mean training loss over the epoch's steps, nats per character
     * @param heldOutLoss    mean loss on the held-out text, nats per character
     * @param seconds        training time of the epoch
     * @param charsPerSecond training characters (targets) per second
     */
    public record Epoch(int epoch, double trainLoss, double heldOutLoss, double seconds, double charsPerSecond) {
        /** {@return the held-out loss in bits per character} */
        public double heldOutBitsPerChar() {
            return heldOutLoss / Math.log(2);
        }

        /** {@return the training loss in bits per character} */
        public double trainBitsPerChar() {
            return trainLoss / Math.log(2);
        }
    }

    /**
     * Builds the model.
     *
     * @param steps  the window length T, at least 1
     * @param embed  the embedding features E
     * @param hidden the LSTM's hidden features H
     * @param layers the LSTM's layers
     * @return the model on inputs {@code (T)} (character ids), outputs {@code (T, 128)} (next-character logits)
     * @throws ConfigException if a size is not positive
     */
    public static Sequential build(int steps, int embed, int hidden, int layers) {
        if (steps < 1) {
            throw new ConfigException("CharLanguageModel: the window needs at least 1 step, got " + steps);
        }
        return new Sequential(Shape.of(steps), new Embedding(TextCorpus.VOCAB, embed), new LSTM(embed, hidden, layers, true),
                new TimeDistributed(new Linear(hidden, TextCorpus.VOCAB)));
    }

    private static int steps(Sequential model) {
        Shape in = model.inputShape();
        Shape out = model.outputShape();
        if (in.rank() != 1 || out.rank() != 2 || out.dim(0) != in.dim(0) || out.dim(1) != TextCorpus.VOCAB) {
            throw new ConfigException("a character language model maps (T) ids to (T, " + TextCorpus.VOCAB
                    + ") logits; this model maps " + in + " to " + out);
        }
        return in.dim(0);
    }

    /**
     * Trains the model.
     *
     * @param model    a model from {@link #build} (or any with the same input and output shapes)
     * @param train    the training text
     * @param heldOut  the held-out text, scored after every epoch
     * @param o        the settings
     * @param listener receives each epoch's figures as it ends (may be null)
     * @return every epoch's figures
     * @throws ConfigException if the model does not fit or a text has no whole window
     */
    public static List<Epoch> fit(Sequential model, TextCorpus train, TextCorpus heldOut, Options o, Consumer<Epoch> listener) {
        int T = steps(model);
        int windows = train.windows(T);
        if (windows < 1 || heldOut.windows(T) < 1) {
            throw new ConfigException("CharLanguageModel: the training and held-out texts need at least one window of "
                    + (T + 1) + " characters");
        }
        int perEpoch = o.limit() > 0 ? Math.min(o.limit(), windows) : windows;
        int B = Math.min(o.batch(), perEpoch);
        int V = TextCorpus.VOCAB;
        List<Epoch> out = new ArrayList<>();
        try (WorkerPool pool = new WorkerPool(o.threads())) {
            Workspace ws = model.workspace(B);
            Context ctx = ContextAccess.create(pool, true, o.seed());
            Optimizer opt = Adam.options().create(model.params());
            opt.parallel(pool);
            SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
            float[] x = new float[B * T];
            int[] targets = new int[B * T];
            Targets tg = Targets.labels(targets, 0);
            int[] order = new int[windows];
            SplittableRandom rnd = new SplittableRandom(o.seed());
            long totalSteps = (long) o.epochs() * (perEpoch / B);
            long step = 0;
            for (int e = 1; e <= o.epochs(); e++) {
                for (int i = 0; i < windows; i++) {
                    order[i] = i;
                }
                for (int i = windows - 1; i > 0; i--) { // Fisher-Yates
                    int j = rnd.nextInt(i + 1);
                    int t = order[i];
                    order[i] = order[j];
                    order[j] = t;
                }
                long t0 = System.nanoTime();
                double sum = 0;
                int n = 0;
                for (int s = 0; s + B <= perEpoch; s += B) {
                    for (int b = 0; b < B; b++) {
                        train.window(order[s + b], T, x, b * T, targets, b * T);
                    }
                    ctx.training(true).step(step);
                    int yo = model.forward(ctx, ws, x, 0, B);
                    sum += loss.compute(ws.data(), yo, B * T, V, tg, ws.data(), ws.outputGradOffset());
                    n++;
                    model.backward(ctx.gradsZero(true), ws, x, 0, B, null, 0);
                    if (o.clipNorm() > 0) {
                        GradientClipping.clipNorm(model.params(), o.clipNorm());
                    }
                    double lr = o.lr() * 0.5 * (1 + Math.cos(Math.PI * step / Math.max(1, totalSteps)));
                    opt.step((float) lr);
                    step++;
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                double held = evaluate(model, heldOut, B, pool);
                Epoch ep = new Epoch(e, sum / Math.max(1, n), held, secs, (double) n * B * T / secs);
                out.add(ep);
                if (listener != null) {
                    listener.accept(ep);
                }
            }
        }
        return out;
    }

    /**
     * Scores a text: the mean next-character loss over all its whole windows.
     *
     * @param model a character language model
     * @param text  the text
     * @param batch windows per forward pass
     * @param pool  the workers (null: the caller's thread)
     * @return the loss in nats per character
     * @throws ConfigException if the model does not fit or the text has no whole window
     */
    public static double evaluate(Sequential model, TextCorpus text, int batch, WorkerPool pool) {
        int T = steps(model);
        int windows = text.windows(T);
        if (windows < 1) {
            throw new ConfigException("CharLanguageModel: " + text.name() + " has no window of " + (T + 1) + " characters");
        }
        int B = Math.max(1, Math.min(batch, windows));
        Workspace ws = model.workspace(B);
        Context ctx = ContextAccess.create(pool, false, 0);
        float[] x = new float[B * T];
        int[] targets = new int[B * T];
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        double sum = 0;
        for (int w = 0; w < windows; w += B) {
            int b = Math.min(B, windows - w);
            for (int i = 0; i < b; i++) {
                text.window(w + i, T, x, i * T, targets, i * T);
            }
            int yo = model.forward(ctx, ws, x, 0, b);
            sum += loss.compute(ws.data(), yo, b * T, TextCorpus.VOCAB, Targets.labels(targets, 0), ws.data(),
                    ws.outputGradOffset()) * b * T;
        }
        return sum / ((double) windows * T);
    }

    /**
     * Generates text: starting from {@code prompt} (or a newline), repeatedly runs the model on the
     * last T characters (fewer at the start: the shorter context runs as a variable-length sequence,
     * padded at its end, {@link Context#paddingMask(PaddingMask)}), turns the logits of the last one into probabilities
     * {@code softmax(logits / temperature)} and draws the next character.
     *
     * @param model       a character language model
     * @param prompt      the text to continue (its non-ASCII characters become {@code '?'}); empty for a newline
     * @param length      the number of characters to generate
     * @param temperature above 0; below 1 sharper, above 1 flatter
     * @param seed        the seed of the draws
     * @return the generated characters (without the prompt)
     * @throws ConfigException if the model does not fit, the length is negative or the temperature is not positive
     */
    public static String sample(Sequential model, String prompt, int length, double temperature, long seed) {
        int T = steps(model);
        if (length < 0 || !(temperature > 0) || Double.isInfinite(temperature)) {
            throw new ConfigException("sample: length must be >= 0 and temperature a positive number, got " + length
                    + " and " + temperature);
        }
        StringBuilder text = new StringBuilder(prompt.isEmpty() ? "\n" : prompt);
        int start = text.length();
        Workspace ws = model.workspace(1);
        Context ctx = Context.inference();
        PaddingMask[] masks = new PaddingMask[T + 1]; // masks[n]: n valid steps, then padding
        for (int n = 1; n <= T; n++) {
            masks[n] = PaddingMask.ofLengths(T, n);
        }
        float[] x = new float[T];
        double[] p = new double[TextCorpus.VOCAB];
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int k = 0; k < length; k++) {
            int n = Math.min(T, text.length());
            java.util.Arrays.fill(x, 0f);
            for (int t = 0; t < n; t++) {
                char c = text.charAt(text.length() - n + t);
                x[t] = c < 128 ? c : '?';
            }
            ctx.paddingMask(masks[n]);
            int yo = model.forward(ctx, ws, x, 0, 1) + (n - 1) * TextCorpus.VOCAB;
            float[] y = ws.data();
            double max = Double.NEGATIVE_INFINITY;
            for (int v = 0; v < p.length; v++) {
                max = Math.max(max, y[yo + v] / temperature);
            }
            double z = 0;
            for (int v = 0; v < p.length; v++) {
                p[v] = Math.exp(y[yo + v] / temperature - max);
                z += p[v];
            }
            double u = rnd.nextDouble() * z;
            int pick = p.length - 1;
            for (int v = 0; v < p.length; v++) {
                u -= p[v];
                if (u < 0) {
                    pick = v;
                    break;
                }
            }
            text.append(TextCorpus.charOf(pick));
        }
        return text.substring(start);
    }
}
