package dev.vecprop.check;

import dev.vecprop.layer.Context;
import dev.vecprop.layer.Layer;
import dev.vecprop.layer.Sequential;
import dev.vecprop.layer.Shape;
import dev.vecprop.layer.Workspace;
import dev.vecprop.loss.Loss;
import dev.vecprop.loss.Penalty;
import dev.vecprop.loss.Targets;
import dev.vecprop.tensor.Param;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleSupplier;

/**
 * Numerical gradient checking of hand-written backward passes, on the real float32 (SIMD) path.
 * (A little over 500 lines: the layer, model, loss and penalty checks share one projection,
 * tolerance and re-measuring rule, which must not drift apart.)
 *
 * <p>For a layer or model f, the scalar objective is a fixed random projection of the output,
 * {@code S = sum_i r_i y_i}, accumulated in double. Its analytical gradient comes from one backward
 * pass with {@code dL/dy = r}; each checked element e of the input and of every parameter is then
 * compared with the central difference {@code (S(e+h) - S(e-h)) / 2h}, {@code h = step * max(1, |e|)}.
 *
 * <p>Tolerance, per element: {@code |a - n| <= rtol * max(|a|, |n|) + atol}, where
 * <ul>
 *   <li>{@code rtol} (default 1e-2) covers the O(h^2) truncation error of the central difference
 *       for smooth layers (h = 1e-2, third derivatives of order 1);</li>
 *   <li>{@code atol} is the float32 noise of that difference: each output that moved carries at most
 *       a few ulps of rounding, so {@code atol = 16 u sum_i |r_i| (|y_i+| + |y_i-|) / 2h}, over the
 *       outputs that changed, u = 2^-24 (unchanged outputs are bit-identical and cancel exactly),
 *       plus 1e-6.</li>
 * </ul>
 * Non-differentiable points (a ReLU input or max tie within h) are detected, not guessed: when the
 * one-sided slopes {@code (S(e+h)-S(e))/h} and {@code (S(e)-S(e-h))/h} disagree by more than 50%,
 * or the central differences with steps h and h/2 disagree by more than rtol/4, or the gap between
 * the one-sided slopes does not halve with the step (it is h f'' for a smooth function, but the full
 * slope jump next to a kink) — all plus the noise — the element is skipped and counted in the report.
 * An element that disagrees at step h is measured again at h/4 and h/16 and the best agreement
 * counts: compositions of many kinks cross fewer of them at smaller steps, a wrong backward
 * disagrees at all of them.
 */
public final class GradCheck {
    private GradCheck() {}

    /**
     * Settings of a check; immutable, change with the {@code with*} methods. A batch and a maximum
     * of at least 1 and a finite positive step and rtol are required.
     *
     * @param seed         seeds the random parameters, inputs, output projection, element choice and dropout masks
     * @param training     run the layers in training mode (dropout active, batch-norm batch statistics)
     *                     rather than eval mode
     * @param batch        samples in the random input batch
     * @param maxPerTensor elements compared per tensor at most: all of a smaller tensor, else its
     *                     first, its last and random others
     * @param step         the relative finite-difference step: {@code h = step * max(1, |e|)}
     * @param rtol         the relative tolerance (see the class comment)
     */
    public record Options(long seed, boolean training, int batch, int maxPerTensor, double step, double rtol) {
        /**
         * Checks the settings.
         *
         * @throws dev.vecprop.ConfigException naming the setting, if batch or maxPerTensor is below 1 or
         *                                     step or rtol is not a finite positive number
         */
        public Options {
            if (batch < 1 || maxPerTensor < 1) {
                throw new dev.vecprop.ConfigException("GradCheck.Options: batch and maxPerTensor must be at least 1, got "
                        + batch + " and " + maxPerTensor);
            }
            if (!(step > 0) || !(rtol > 0) || Double.isInfinite(step) || Double.isInfinite(rtol)) {
                throw new dev.vecprop.ConfigException("GradCheck.Options: step and rtol must be finite and positive, got "
                        + step + " and " + rtol);
            }
        }

        /** {@return the defaults: seed 1, training mode, batch 3, 48 elements per tensor, step 1e-2, rtol 1e-2} */
        public static Options defaults() {
            return new Options(1, true, 3, 48, 1e-2, 1e-2);
        }

        /**
         * Sets the seed.
         *
         * @param s the seed
         * @return a copy with this seed
         */
        public Options withSeed(long s) {
            return new Options(s, training, batch, maxPerTensor, step, rtol);
        }

        /**
         * Chooses training or eval mode.
         *
         * @param t true for training mode, false for eval mode
         * @return a copy in that mode
         */
        public Options withTraining(boolean t) {
            return new Options(seed, t, batch, maxPerTensor, step, rtol);
        }

        /**
         * Sets the batch size.
         *
         * @param b samples per batch, {@code >= 1}
         * @return a copy with this batch size
         */
        public Options withBatch(int b) {
            return new Options(seed, training, b, maxPerTensor, step, rtol);
        }

        /**
         * Sets how many elements of each tensor are compared at most.
         *
         * @param m the maximum, {@code >= 1}
         * @return a copy with this maximum
         */
        public Options withMaxPerTensor(int m) {
            return new Options(seed, training, batch, m, step, rtol);
        }

        /**
         * Sets the relative finite-difference step.
         *
         * @param h the step relative to {@code max(1, |e|)}, {@code > 0}
         * @return a copy with this step
         */
        public Options withStep(double h) {
            return new Options(seed, training, batch, maxPerTensor, h, rtol);
        }

        /**
         * {@return a copy with another relative tolerance}
         *
         * @param r the relative tolerance (see the class comment), {@code > 0}; looser for layers whose
         *          float32 arithmetic loses more (long reductions, exponentials)
         */
        public Options withRtol(double r) {
            return new Options(seed, training, batch, maxPerTensor, step, r);
        }
    }

    private static final double U = 0x1p-24;

    /**
     * Checks one freshly constructed layer, wrapped in a {@link Sequential}, w.r.t. its input and
     * every trainable parameter. The parameters are overwritten with seeded random values.
     *
     * @param layer the layer, not part of another model
     * @param input the shape of one input sample, without the batch dimension
     * @param o     the settings
     * @return the report: the input's result, then one per parameter
     */
    public static GradCheckReport checkLayer(Layer layer, Shape input, Options o) {
        dev.vecprop.internal.Require.notNull(layer, "checkLayer: the layer");
        dev.vecprop.internal.Require.notNull(input, "checkLayer: the input shape");
        dev.vecprop.internal.Require.notNull(o, "checkLayer: the options (Options.defaults())");
        Sequential m = new Sequential(input, layer);
        return check(layer.describe() + " on " + input + (o.training() ? " [train]" : " [eval]"), m, o);
    }

    /**
     * Checks one freshly constructed layer whose inputs are token ids (an embedding), wrapped in a
     * {@link Sequential}, w.r.t. every trainable parameter: the inputs are whole numbers drawn from
     * {@code 0..vocab-1}, and the input, which has no gradient, is not perturbed (its analytic
     * gradient must be zero).
     *
     * @param layer the layer, not part of another model
     * @param input the shape of one input sample (the ids of one sample), without the batch dimension
     * @param vocab the number of token ids, at least 1
     * @param o     the settings
     * @return the report: the input's result (zero gradient), then one per parameter
     */
    public static GradCheckReport checkTokenLayer(Layer layer, Shape input, int vocab, Options o) {
        dev.vecprop.internal.Require.notNull(layer, "checkTokenLayer: the layer");
        dev.vecprop.internal.Require.notNull(input, "checkTokenLayer: the input shape");
        dev.vecprop.internal.Require.notNull(o, "checkTokenLayer: the options (Options.defaults())");
        return checkTokenModel(new Sequential(input, layer), vocab, o);
    }

    /**
     * Checks a whole model whose inputs are token ids, as {@link #checkTokenLayer}.
     *
     * @param model the model (starting with an embedding)
     * @param vocab the number of token ids, at least 1
     * @param o     the settings
     * @return the report: the input's result (zero gradient), then one per parameter
     */
    public static GradCheckReport checkTokenModel(Sequential model, int vocab, Options o) {
        dev.vecprop.internal.Require.notNull(model, "checkTokenModel: the model");
        dev.vecprop.internal.Require.notNull(o, "checkTokenModel: the options (Options.defaults())");
        if (vocab < 1) {
            throw new dev.vecprop.ConfigException("checkTokenModel: at least 1 token id, got " + vocab);
        }
        return check("model " + model.layers() + " on token ids" + (o.training() ? " [train]" : " [eval]"), model, o, vocab);
    }

    /**
     * Checks a whole model (every layer and the fusions between them) w.r.t. its input and every
     * trainable parameter. The parameters are overwritten with seeded random values.
     *
     * @param model the model
     * @param o     the settings
     * @return the report: the input's result, then one per parameter
     */
    public static GradCheckReport checkModel(Sequential model, Options o) {
        dev.vecprop.internal.Require.notNull(model, "checkModel: the model");
        dev.vecprop.internal.Require.notNull(o, "checkModel: the options (Options.defaults())");
        return check("model " + model.layers() + (o.training() ? " [train]" : " [eval]"), model, o);
    }

    /**
     * Checks a whole model as {@link #checkModel(Sequential, Options)}, every pass run with a padding
     * mask on its context (sequence models on variable-length batches: attention, mean over time,
     * recurrent layers, the latter padded at the end only): padded positions must get a
     * zero input gradient and leave the parameter gradients alone, which the comparison covers.
     *
     * @param model the model
     * @param o     the settings; {@code o.batch()} must equal {@code mask.rows()}
     * @param mask  which time steps of the batch are padding
     * @return the report: the input's result, then one per parameter
     */
    public static GradCheckReport checkModel(Sequential model, Options o, dev.vecprop.layer.PaddingMask mask) {
        dev.vecprop.internal.Require.notNull(model, "checkModel: the model");
        dev.vecprop.internal.Require.notNull(o, "checkModel: the options (Options.defaults())");
        dev.vecprop.internal.Require.notNull(mask, "checkModel: the padding mask");
        return check("model " + model.layers() + " with " + mask + (o.training() ? " [train]" : " [eval]"), model, o, mask);
    }

    /** Initializes the model, then draws its parameters N(0, 1/2): larger than PyTorch's init so every path carries signal. */
    static void randomize(Sequential m, long seed, Random rnd) {
        m.initialize(seed);
        for (Param p : m.params().trainable()) {
            if (p.name().endsWith("running_var")) {
                continue;
            }
            for (int i = 0; i < p.numel(); i++) {
                p.set(i, (float) (rnd.nextGaussian() * 0.7));
            }
        }
    }

    private static GradCheckReport check(String subject, Sequential m, Options o) {
        return check(subject, m, o, 0, null);
    }

    private static GradCheckReport check(String subject, Sequential m, Options o, dev.vecprop.layer.PaddingMask mask) {
        return check(subject, m, o, 0, mask);
    }

    private static GradCheckReport check(String subject, Sequential m, Options o, int vocab) {
        return check(subject, m, o, vocab, null);
    }

    /**
     * {@code vocab > 0}: the inputs are token ids in 0..vocab-1 and are not perturbed;
     * {@code mask}: which time steps are padding ({@link Context#paddingMask}), or null.
     */
    private static GradCheckReport check(String subject, Sequential m, Options o, int vocab,
                                         dev.vecprop.layer.PaddingMask mask) {
        Random rnd = new Random(o.seed());
        randomize(m, o.seed(), rnd);
        int b = o.batch();
        int in = m.inputShape().size();
        int out = m.outputShape().size();
        float[] x = new float[b * in];
        for (int i = 0; i < x.length; i++) {
            x[i] = vocab > 0 ? rnd.nextInt(vocab) : (float) rnd.nextGaussian();
        }
        float[] r = new float[b * out];
        for (int i = 0; i < r.length; i++) {
            r[i] = (float) rnd.nextGaussian();
        }
        Context ctx = dev.vecprop.internal.ContextAccess.create(null, o.training(), o.seed()).step(7)
                .paddingMask(mask);
        Workspace ws = m.workspace(b);
        float[] y0 = new float[b * out];

        // analytical: one forward, dL/dy = r, one backward
        int yo = m.forward(ctx, ws, x, 0, b);
        System.arraycopy(ws.data(), yo, y0, 0, y0.length);
        m.params().zeroGrads();
        System.arraycopy(r, 0, ws.data(), ws.outputGradOffset(), r.length);
        float[] dx = new float[x.length];
        m.backward(ctx, ws, x, 0, b, dx, 0);
        float[] grads = m.params().grads().clone();

        Objective obj = new Objective(m, ctx, ws, x, r, y0);
        List<TensorCheck> results = new ArrayList<>();
        if (vocab > 0) {
            results.add(zeroGradient("input (token ids)", dx));
        } else {
            results.add(compare("input", x.length, i -> dx[i], new Perturb() {
                public float get(int i) {
                    return x[i];
                }

                public void set(int i, float v) {
                    x[i] = v;
                }
            }, obj, o, rnd));
        }
        for (Param p : m.params().trainable()) {
            results.add(compare(p.name(), p.numel(), i -> grads[p.index(i)], new Perturb() {
                public float get(int i) {
                    return p.get(i);
                }

                public void set(int i, float v) {
                    p.set(i, v);
                }
            }, obj, o, rnd));
        }
        return new GradCheckReport(subject, results);
    }

    /**
     * Checks a loss: dL/dx from its single pass against central differences of L itself
     * (computed in double from float32 inputs, so the noise floor is tiny).
     *
     * @param loss     the loss
     * @param x        the loss input (logits, log-probabilities or probabilities, as the loss expects):
     *                 row-major {@code [batch][features]} from {@code x[0]}; perturbed and restored
     * @param batch    samples in {@code x}
     * @param features values per sample (classes for a classification loss)
     * @param t        the targets, one label or {@code features} values per sample
     * @param o        the settings ({@code batch} and {@code training} are not used)
     * @return the report, with one result named {@code loss input}
     */
    public static GradCheckReport checkLoss(Loss loss, float[] x, int batch, int features, Targets t, Options o) {
        dev.vecprop.internal.Require.notNull(loss, "checkLoss: the loss");
        dev.vecprop.internal.Require.notNull(x, "checkLoss: the input");
        dev.vecprop.internal.Require.notNull(t, "checkLoss: the targets");
        dev.vecprop.internal.Require.notNull(o, "checkLoss: the options (Options.defaults())");
        if (batch < 1 || features < 1 || (long) batch * features > x.length) {
            throw new dev.vecprop.ConfigException("checkLoss: " + batch + " samples of " + features
                    + " values need batch, features >= 1 and an input of at least batch * features values, got " + x.length);
        }
        Random rnd = new Random(o.seed());
        float[] dx = new float[batch * features];
        loss.compute(x, 0, batch, features, t, dx, 0);
        Objective obj = new Objective(() -> loss.compute(x, 0, batch, features, t, null, 0));
        TensorCheck tc = compare("loss input", batch * features, i -> dx[i], new Perturb() {
            public float get(int i) {
                return x[i];
            }

            public void set(int i, float v) {
                x[i] = v;
            }
        }, obj, o, rnd);
        return new GradCheckReport(loss.describe() + " on " + batch + "x" + features, List.of(tc));
    }

    /**
     * Checks a penalty's gradient w.r.t. the given parameters. Their gradients are zeroed first and
     * hold the penalty's gradient afterwards; their values are perturbed and restored.
     *
     * @param pen    the penalty
     * @param params the parameters it applies to, e.g. {@code model.params().trainable()}
     * @param o      the settings ({@code batch} and {@code training} are not used)
     * @return the report, one result per parameter
     */
    public static GradCheckReport checkPenalty(Penalty pen, List<Param> params, Options o) {
        Random rnd = new Random(o.seed());
        for (Param p : params) {
            for (int i = 0; i < p.numel(); i++) {
                p.grad()[p.index(i)] = 0f;
            }
        }
        pen.apply(params);
        List<float[]> grads = new ArrayList<>();
        for (Param p : params) {
            float[] g = new float[p.numel()];
            for (int i = 0; i < g.length; i++) {
                g[i] = p.gradAt(i);
            }
            grads.add(g);
        }
        List<TensorCheck> results = new ArrayList<>();
        for (int k = 0; k < params.size(); k++) {
            Param p = params.get(k);
            float[] g = grads.get(k);
            // The penalty also adds to gradients while evaluated: evaluate on a scratch copy of grads.
            Objective obj = new Objective(() -> {
                float[] saved = p.grad().clone();
                double v = pen.apply(params);
                System.arraycopy(saved, 0, p.grad(), 0, saved.length);
                return v;
            });
            results.add(compare(p.name(), p.numel(), i -> g[i], new Perturb() {
                public float get(int i) {
                    return p.get(i);
                }

                public void set(int i, float v) {
                    p.set(i, v);
                }
            }, obj, o, rnd));
        }
        return new GradCheckReport(pen.describe() + " on " + params, results);
    }

    private interface Perturb {
        float get(int i);

        void set(int i, float v);
    }

    private interface Analytic {
        double at(int i);
    }

    /** S(current state) and its float32 noise bound relative to the base point. */
    private static final class Objective {
        final Sequential m;
        final Context ctx;
        final Workspace ws;
        final float[] x;
        final float[] r;
        final float[] y0;
        final DoubleSupplier scalar;
        double lastNoise;
        float[] lastY;

        Objective(Sequential m, Context ctx, Workspace ws, float[] x, float[] r, float[] y0) {
            this.m = m;
            this.ctx = ctx;
            this.ws = ws;
            this.x = x;
            this.r = r;
            this.y0 = y0;
            this.scalar = null;
        }

        Objective(DoubleSupplier scalar) {
            this.m = null;
            this.ctx = null;
            this.ws = null;
            this.x = null;
            this.r = null;
            this.y0 = null;
            this.scalar = scalar;
        }

        /** Evaluates S; returns it and keeps the output for the noise estimate. */
        double eval() {
            if (scalar != null) {
                return scalar.getAsDouble();
            }
            int b = y0.length / m.outputShape().size();
            int yo = m.forward(ctx, ws, x, 0, b);
            float[] d = ws.data();
            double s = 0;
            float[] y = new float[y0.length];
            for (int i = 0; i < y0.length; i++) {
                y[i] = d[yo + i];
                s += (double) r[i] * y[i];
            }
            lastY = y;
            return s;
        }

        /** Noise bound of S(+) - S(-) from the outputs that moved. */
        double noise(float[] yPlus, float[] yMinus) {
            if (scalar != null) {
                return 0;
            }
            double n = 0;
            for (int i = 0; i < yPlus.length; i++) {
                if (yPlus[i] != yMinus[i]) {
                    n += Math.abs(r[i]) * (Math.abs(yPlus[i]) + Math.abs(yMinus[i]));
                }
            }
            return 16 * U * n;
        }
    }

    /** One central-difference measurement of element i at step h, with its noise bound and kink verdict. */
    private record Measure(double num, double noise, boolean kink) {}

    private static Measure measure(int i, double h, Perturb p, Objective obj, Options o, double s0, float[] y0) {
        float v = p.get(i);
        float vp = (float) (v + h);
        float vm = (float) (v - h);
        double hh = ((double) vp - vm) / 2; // the step actually taken in float32
        p.set(i, vp);
        double sp = obj.eval();
        float[] yp = obj.lastY;
        p.set(i, vm);
        double sm = obj.eval();
        float[] ym = obj.lastY;
        p.set(i, v);
        double noise = obj.noise(yp == null ? new float[0] : yp, ym == null ? new float[0] : ym) / (2 * hh) + 1e-6;
        double num = (sp - sm) / (2 * hh);
        double fwd = (sp - s0) / ((double) vp - v);
        double bwd = (s0 - sm) / ((double) v - vm);
        if (y0 != null) {
            noise = Math.max(noise, obj.noise(yp, y0) / hh + obj.noise(y0, ym) / hh);
        }
        boolean kink = Math.abs(fwd - bwd) > 0.5 * Math.max(Math.abs(fwd), Math.abs(bwd)) + 10 * noise;
        if (!kink) {
            // Half-step central difference: equal to O(h^2) when smooth, off when a kink lies within h.
            float vp2 = (float) (v + h / 2);
            float vm2 = (float) (v - h / 2);
            p.set(i, vp2);
            double sp2 = obj.eval();
            p.set(i, vm2);
            double sm2 = obj.eval();
            p.set(i, v);
            double num2 = (sp2 - sm2) / ((double) vp2 - vm2);
            double scale = 0.25 * o.rtol() * Math.max(Math.abs(num), Math.abs(num2));
            kink = Math.abs(num - num2) > scale + 4 * noise;
            // Curvature test: (fwd - bwd) is h f'' + O(h^2) when smooth, so it halves with the step;
            // a kink closer than h/2 leaves it at the slope jump, whatever the step.
            double fwd2 = (sp2 - s0) / ((double) vp2 - v);
            double bwd2 = (s0 - sm2) / ((double) v - vm2);
            kink |= Math.abs((fwd - bwd) - 2 * (fwd2 - bwd2)) > scale + 16 * noise;
        }
        return new Measure(num, noise, kink);
    }

    /**
     * Compares the analytic derivative of each picked element with central differences. An element
     * that disagrees at step h is measured again at h/4 and h/16 (fewer kinks lie that close; the
     * float32 noise, and so the tolerance, grows as 1/h): the best agreement counts. A wrong backward
     * disagrees at every step; a composition of many kinks (ReLU, max) usually not at the smallest.
     */
    /** An input without a gradient (token ids): every analytic element must be exactly 0. */
    private static TensorCheck zeroGradient(String name, float[] dx) {
        int worst = 0;
        for (int i = 1; i < dx.length; i++) {
            if (Math.abs(dx[i]) > Math.abs(dx[worst])) {
                worst = i;
            }
        }
        double a = dx.length == 0 ? 0 : dx[worst];
        return new TensorCheck(name, dx.length, 0, dx.length == 0 ? -1 : worst, a, 0, a == 0 ? 0 : 1, 0);
    }

    private static TensorCheck compare(String name, int numel, Analytic a, Perturb p, Objective obj, Options o,
                                       Random rnd) {
        int[] idx = pick(numel, o.maxPerTensor(), rnd);
        double s0 = obj.eval();
        float[] y0 = obj.lastY;
        int checked = 0;
        int skipped = 0;
        int worst = -1;
        double worstA = 0;
        double worstN = 0;
        double worstRatio = -1;
        double worstTol = 0;
        for (int i : idx) {
            double an = a.at(i);
            double h0 = o.step() * Math.max(1.0, Math.abs(p.get(i)));
            double bestRatio = Double.POSITIVE_INFINITY;
            double bestNum = 0;
            double bestTol = 0;
            boolean measured = false;
            for (double f : new double[]{1, 0.25, 0.0625}) {
                Measure m = measure(i, h0 * f, p, obj, o, s0, y0);
                if (m.kink()) {
                    continue;
                }
                measured = true;
                double tol = o.rtol() * Math.max(Math.abs(an), Math.abs(m.num())) + m.noise();
                double ratio = Math.abs(an - m.num()) / tol;
                if (ratio < bestRatio || Double.isNaN(ratio)) {
                    bestRatio = ratio;
                    bestNum = m.num();
                    bestTol = tol;
                }
                if (ratio <= 1) {
                    break;
                }
            }
            if (!measured) {
                skipped++;
                continue;
            }
            checked++;
            if (bestRatio > worstRatio || !(bestRatio == bestRatio)) {
                worstRatio = bestRatio;
                worst = i;
                worstA = an;
                worstN = bestNum;
                worstTol = bestTol;
            }
            if (!Double.isFinite(an)) {
                worst = i;
                worstA = an;
                worstN = bestNum;
                worstTol = bestTol;
                break;
            }
        }
        double rel = worst < 0 ? 0 : Math.abs(worstA - worstN) / Math.max(Math.max(Math.abs(worstA), Math.abs(worstN)), 1e-30);
        return new TensorCheck(name, checked, skipped, worst, worstA, worstN, rel, worstTol);
    }

    /** Up to {@code max} distinct indices of {@code 0..n-1}: all of them when n is small, else a seeded sample. */
    private static int[] pick(int n, int max, Random rnd) {
        if (n <= max) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            return all;
        }
        java.util.LinkedHashSet<Integer> s = new java.util.LinkedHashSet<>();
        s.add(0);
        s.add(n - 1);
        while (s.size() < max) {
            s.add(rnd.nextInt(n));
        }
        return s.stream().mapToInt(Integer::intValue).toArray();
    }
}
