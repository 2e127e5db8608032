package dev.vecprop.quant;

import dev.vecprop.ConfigException;
import dev.vecprop.data.DataSource;
import dev.vecprop.data.Normalization;
import dev.vecprop.layer.BatchNorm;
import dev.vecprop.layer.BatchNorm1d;
import dev.vecprop.layer.BatchNorm2d;
import dev.vecprop.layer.Conv2d;
import dev.vecprop.layer.Dropout;
import dev.vecprop.layer.Layer;
import dev.vecprop.layer.LayerConfig;
import dev.vecprop.layer.LayerRegistry;
import dev.vecprop.layer.Linear;
import dev.vecprop.layer.QuantizedConv2d;
import dev.vecprop.layer.QuantizedLayer;
import dev.vecprop.layer.QuantizedLinear;
import dev.vecprop.layer.ReLU;
import dev.vecprop.layer.Residual;
import dev.vecprop.layer.Sequential;
import dev.vecprop.tensor.Param;
import dev.vecprop.tensor.ParamSpec;
import dev.vecprop.tensor.ParameterStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Post-training int8 quantization of a trained float model, for serving: every {@link Linear} and
 * {@link Conv2d} becomes a {@link QuantizedLinear} / {@link QuantizedConv2d} with a symmetric int8 weight,
 * one scale per output channel ({@code scale_o = max |W_o| / 127}, {@code q = rint(W / scale_o)}); a
 * {@link BatchNorm1d} / {@link BatchNorm2d} right after one is folded into it first (its running
 * statistics, as inference uses them), a ReLU right after one is fused into its epilogue, dropout (the
 * identity when serving) is dropped; every other layer is carried over with its tensors.
 *
 * <pre>{@code
 *   Sequential q = Quantizer.options().quantize(model);                   // weight-only: no data needed
 *   Sequential q8 = Quantizer.options().activations(QuantizedLinear.Activations.INT8)
 *           .calibration(Calibration.PERCENTILE).calibrationSamples(1000)
 *           .quantize(model, trainData, normalization);                     // int8 activations, calibrated
 *   Checkpoint.save(Path.of("q.safetensors"), q, normalization, Map.of()); // I8 tensors + F32 scales
 *   Sequential back = Quantizer.dequantize(q);                             // float layers again
 * }</pre>
 * Options are immutable: each setter returns a new {@code Quantizer}.
 */
public final class Quantizer {
    private final QuantizedLinear.Activations activations;
    private final Calibration calibration;
    private final double percentile;
    private final int samples;
    private final boolean keepLastFloat;

    private Quantizer(QuantizedLinear.Activations activations, Calibration calibration, double percentile, int samples,
                      boolean keepLastFloat) {
        this.activations = activations;
        this.calibration = calibration;
        this.percentile = percentile;
        this.samples = samples;
        this.keepLastFloat = keepLastFloat;
    }

    /** {@return the defaults: weight-only (float activations), min-max calibration of 1000 samples when asked for int8 activations, every layer quantized} */
    public static Quantizer options() {
        return new Quantizer(QuantizedLinear.Activations.FLOAT, Calibration.MINMAX, 99.99, 1000, false);
    }

    /**
     * {@return these options computing the dense layers' inputs as given}
     *
     * @param a {@code FLOAT} (weight-only, the default: it measured faster, docs/QUANTIZATION.md) or
     *          {@code INT8} (inputs quantized with a calibrated scale; needs calibration data). Convolutions
     *          compute in float either way.
     * @throws ConfigException if null
     */
    public Quantizer activations(QuantizedLinear.Activations a) {
        if (a == null) {
            throw new ConfigException("quantize: activations must be FLOAT or INT8");
        }
        return new Quantizer(a, calibration, percentile, samples, keepLastFloat);
    }

    /**
     * {@return these options with the activation ranges chosen by {@code c}}
     *
     * @param c min-max or percentile
     * @throws ConfigException if null
     */
    public Quantizer calibration(Calibration c) {
        if (c == null) {
            throw new ConfigException("quantize: calibration must be MINMAX or PERCENTILE");
        }
        return new Quantizer(activations, c, percentile, samples, keepLastFloat);
    }

    /**
     * {@return these options with the percentile {@link Calibration#PERCENTILE} uses}
     *
     * @param p in (0, 100], e.g. 99.99
     * @throws ConfigException if out of range
     */
    public Quantizer percentile(double p) {
        if (!(p > 0 && p <= 100)) {
            throw new ConfigException("quantize: the percentile must be in (0, 100], got " + p);
        }
        return new Quantizer(activations, calibration, p, samples, keepLastFloat);
    }

    /**
     * {@return these options calibrating on the first {@code n} samples of the data}
     *
     * @param n at least 1
     * @throws ConfigException if {@code n < 1}
     */
    public Quantizer calibrationSamples(int n) {
        if (n < 1) {
            throw new ConfigException("quantize: --calibrate needs at least 1 sample, got " + n);
        }
        return new Quantizer(activations, calibration, percentile, n, keepLastFloat);
    }

    /**
     * {@return these options keeping the model's last dense/convolution layer in float (or not)}
     *
     * @param keep whether to keep it float (the classifier often holds the most accuracy per byte)
     */
    public Quantizer keepLastLayerFloat(boolean keep) {
        return new Quantizer(activations, calibration, percentile, samples, keep);
    }

    /**
     * Quantizes weight-only (float activations): no calibration data is needed.
     *
     * @param model a trained float model of library layers
     * @return a new model; the original is unchanged
     * @throws ConfigException if these options ask for int8 activations (they need calibration data), or
     *                         the model holds a layer that cannot be carried over (no config) or is already quantized
     */
    public Sequential quantize(Sequential model) {
        if (activations == QuantizedLinear.Activations.INT8) {
            throw new ConfigException("quantize: int8 activations need calibration samples: use quantize(model, data, normalization)");
        }
        return quantize(model, null, Normalization.NONE);
    }

    /**
     * Quantizes, calibrating the int8 activation scales on the first samples of {@code data}.
     *
     * @param model         a trained float model of library layers
     * @param data          calibration samples (raw features as the data pipeline yields them), or null for weight-only
     * @param normalization the model's input normalisation (applied to the samples before the model sees them)
     * @return a new model; the original is unchanged
     * @throws ConfigException if a layer cannot be carried over or is already quantized, or the data does not fit the model
     */
    public Sequential quantize(Sequential model, DataSource data, Normalization normalization) {
        dev.vecprop.internal.Require.notNull(model, "quantize: the model");
        dev.vecprop.internal.Require.notNull(normalization, "quantize: the normalization (Normalization.NONE for none)");
        List<Layer> top = model.layers();
        Step last = null;
        List<Step> steps = plan(top, model.params(), "", true);
        for (Step s : steps) {
            if (s.weights != null) {
                last = s;
            }
        }
        if (keepLastFloat && last != null) {
            last.keepFloat();
        }
        boolean[] calibrate = new boolean[top.size()];
        boolean any = false;
        for (Step s : steps) {
            if (s.made instanceof QuantizedLinear ql && ql.activations() == QuantizedLinear.Activations.INT8) {
                calibrate[s.topIndex] = true;
                any = true;
            }
        }
        ActivationRanges ranges = null;
        if (any) {
            if (data == null) {
                throw new ConfigException("quantize: int8 activations need calibration samples (none given)");
            }
            ranges = ActivationRanges.measure(model, data, normalization, samples, calibrate);
        }
        List<Layer> made = new ArrayList<>();
        for (Step s : steps) {
            made.addAll(s.layers());
        }
        Sequential q = new Sequential(model.inputShape(), made);
        fill(steps, q.params(), "", ranges);
        for (Layer l : q.layers()) {
            prepare(l);
        }
        return q;
    }

    private static void prepare(Layer l) {
        if (l instanceof QuantizedLayer ql) {
            ql.prepare();
        } else if (l instanceof Residual r) {
            for (Layer c : r.layers()) {
                prepare(c);
            }
        }
    }

    /**
     * Turns a quantized model back into float layers: each weight {@code scale_o * q}, a fused ReLU
     * a layer of its own again; other layers carried over with their tensors.
     *
     * @param quantized a model with quantized layers (a float model comes back as a copy)
     * @return a new float model that can be trained or saved as float
     * @throws ConfigException if a layer cannot be carried over (no config)
     */
    public static Sequential dequantize(Sequential quantized) {
        dev.vecprop.internal.Require.notNull(quantized, "dequantize: the model");
        List<Layer> made = new ArrayList<>();
        List<Object[]> copies = new ArrayList<>();
        collectFloat(quantized.layers(), quantized.params(), "", made, copies);
        Sequential f = new Sequential(quantized.inputShape(), made);
        int[] index = {0};
        copyFloat(f.layers(), f.params(), "", copies, index);
        return f;
    }

    // ---- the plan: which new layer comes from which old one(s) ----

    /** One new layer (or a Linear/Conv2d with its ReLU) and where its tensors come from. */
    private final class Step {
        Layer made;
        boolean relu;             // a ReLU fused (quantized) or following (kept float)
        int topIndex = -1;        // index of the source in the top-level model (for calibration)
        Layer source;
        String sourcePrefix;
        ParameterStore sourceStore;
        Param[] weights;          // weight, bias (nullable) of a Linear/Conv2d source
        BatchNorm bn;
        String bnPrefix;
        List<Step> children;      // of a Residual

        void keepFloat() {
            LayerConfig c = source.config();
            made = source instanceof Linear ? new Linear(c.intArg("in"), c.intArg("out"), true)
                    : new Conv2d(c.intArg("in"), c.intArg("out"), c.intArg("kh"), c.intArg("kw"), c.intArg("stride"),
                    c.intArg("padding"), c.intArg("dilation"), c.intArg("groups"), true);
        }

        List<Layer> layers() {
            List<Layer> r = new ArrayList<>();
            r.add(made);
            if (relu && !(made instanceof QuantizedLayer)) {
                r.add(new ReLU());
            }
            return r;
        }
    }

    private List<Step> plan(List<Layer> layers, ParameterStore store, String prefix, boolean top) {
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            Step s = new Step();
            s.source = l;
            s.sourcePrefix = prefix + i + ".";
            s.sourceStore = store;
            s.topIndex = top ? i : -1;
            if (l instanceof QuantizedLayer) {
                throw new ConfigException("quantize: layer " + s.sourcePrefix.substring(0, s.sourcePrefix.length() - 1)
                        + " " + l.describe() + " is already quantized");
            }
            if (l instanceof Dropout) {
                continue;
            }
            if (l instanceof Linear || l instanceof Conv2d) {
                Layer next = i + 1 < layers.size() ? layers.get(i + 1) : null;
                if ((l instanceof Linear && next instanceof BatchNorm1d) || (l instanceof Conv2d && next instanceof BatchNorm2d)) {
                    s.bn = (BatchNorm) next;
                    s.bnPrefix = prefix + (i + 1) + ".";
                    i++;
                    next = i + 1 < layers.size() ? layers.get(i + 1) : null;
                }
                if (next instanceof ReLU) {
                    s.relu = true;
                    i++;
                }
                LayerConfig c = l.config();
                boolean bias = c.boolArg("bias") || s.bn != null;
                s.weights = new Param[]{store.get(s.sourcePrefix + "weight"), c.boolArg("bias") ? store.get(s.sourcePrefix + "bias") : null};
                if (l instanceof Linear) {
                    // int8 activations only where the calibration pass sees the input: top-level layers
                    QuantizedLinear.Activations a = top ? activations : QuantizedLinear.Activations.FLOAT;
                    s.made = new QuantizedLinear(c.intArg("in"), c.intArg("out"), bias, s.relu, a);
                } else {
                    s.made = new QuantizedConv2d(c.intArg("in"), c.intArg("out"), c.intArg("kh"), c.intArg("kw"),
                            c.intArg("stride"), c.intArg("padding"), c.intArg("dilation"), c.intArg("groups"), bias, s.relu);
                }
            } else if (l instanceof Residual r) {
                s.children = plan(r.layers(), store, s.sourcePrefix, false);
                List<Layer> inner = new ArrayList<>();
                for (Step c : s.children) {
                    inner.addAll(c.layers());
                }
                s.made = new Residual(inner.toArray(new Layer[0]));
            } else {
                s.made = recreate(l, s.sourcePrefix);
            }
            steps.add(s);
        }
        return steps;
    }

    private static Layer recreate(Layer l, String prefix) {
        LayerConfig c = l.config();
        if (c == null) {
            throw new ConfigException("quantize: layer " + prefix.substring(0, prefix.length() - 1) + " " + l.describe()
                    + " describes no config, so it cannot be carried into a new model");
        }
        return LayerRegistry.builtIn().knows(c.type()) ? LayerRegistry.builtIn().create(c) : null;
    }

    // ---- filling the new model's tensors ----

    private void fill(List<Step> steps, ParameterStore dst, String prefix, ActivationRanges ranges) {
        int i = 0;
        for (Step s : steps) {
            String p = prefix + i + ".";
            if (s.children != null) {
                fill(s.children, dst, p, ranges);
            } else if (s.weights != null) {
                float[][] wb = foldedWeights(s);
                if (s.made instanceof QuantizedLayer) {
                    quantizeInto(wb[0], wb[1], dst, p);
                    if (s.made instanceof QuantizedLinear ql && ql.activations() == QuantizedLinear.Activations.INT8) {
                        float range = ranges.range(s.topIndex, calibration, percentile);
                        dst.get(p + "input_scale").set(0, range > 0 ? range / 127f : 1f);
                    }
                } else {
                    dst.get(p + "weight").copyFrom(wb[0], 0);
                    dst.get(p + "bias").copyFrom(wb[1], 0);
                }
            } else {
                copyTensors(s.source, s.sourceStore, s.sourcePrefix, dst, p);
            }
            i += s.layers().size();
        }
    }

    /** The source's weight and bias with a following batch norm folded in: {@code W' = f W, b' = f (b - mean) + beta, f = gamma / sqrt(var + eps)}. */
    private static float[][] foldedWeights(Step s) {
        float[] w = s.weights[0].toArray();
        int out = s.weights[0].shape()[0];
        float[] b = s.weights[1] != null ? s.weights[1].toArray() : new float[out];
        if (s.bn != null) {
            float[] gamma = s.sourceStore.get(s.bnPrefix + "weight").toArray();
            float[] beta = s.sourceStore.get(s.bnPrefix + "bias").toArray();
            float[] mean = s.sourceStore.get(s.bnPrefix + "running_mean").toArray();
            float[] var = s.sourceStore.get(s.bnPrefix + "running_var").toArray();
            int per = w.length / out;
            for (int o = 0; o < out; o++) {
                double f = gamma[o] / Math.sqrt((double) var[o] + s.bn.eps());
                for (int k = 0; k < per; k++) {
                    w[o * per + k] = (float) (w[o * per + k] * f);
                }
                b[o] = (float) ((b[o] - (double) mean[o]) * f + beta[o]);
            }
        }
        return new float[][]{w, b};
    }

    /** Symmetric per-output-channel int8: {@code scale_o = max |W_o| / 127} (1 for an all-zero row), {@code q = rint(W / scale_o)}. */
    static void quantizeInto(float[] w, float[] b, ParameterStore dst, String p) {
        Param qw = dst.get(p + "weight");
        int out = qw.shape()[0];
        int per = w.length / out;
        float[] q = new float[w.length];
        float[] scale = new float[out];
        for (int o = 0; o < out; o++) {
            float m = 0f;
            for (int k = 0; k < per; k++) {
                m = Math.max(m, Math.abs(w[o * per + k]));
            }
            if (!Float.isFinite(m)) {
                throw new ConfigException("quantize: tensor " + p + "weight (row " + o + ") holds a non-finite value");
            }
            scale[o] = m > 0f ? m / 127f : 1f;
            for (int k = 0; k < per; k++) {
                q[o * per + k] = Math.max(-127f, Math.min(127f, (float) Math.rint(w[o * per + k] / scale[o])));
            }
        }
        qw.copyFrom(q, 0);
        dst.get(p + "weight_scale").copyFrom(scale, 0);
        Param bias = dst.get(p + "bias");
        if (bias != null) {
            bias.copyFrom(b, 0);
        }
    }

    private static void copyTensors(Layer src, ParameterStore from, String fromPrefix, ParameterStore to, String toPrefix) {
        for (ParamSpec spec : src.paramSpecs()) {
            to.get(toPrefix + spec.name()).copyFrom(from.get(fromPrefix + spec.name()).toArray(), 0);
        }
    }

    // ---- dequantizing ----

    private static void collectFloat(List<Layer> layers, ParameterStore store, String prefix, List<Layer> made,
                                     List<Object[]> copies) {
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            String p = prefix + i + ".";
            if (l instanceof QuantizedLayer q) {
                List<Layer> fl = q.floatLayers();
                made.addAll(fl);
                copies.add(new Object[]{q.floatTensors()});
                for (int k = 1; k < fl.size(); k++) {
                    copies.add(new Object[]{Map.of()});
                }
            } else if (l instanceof Residual r) {
                List<Layer> inner = new ArrayList<>();
                List<Object[]> innerCopies = new ArrayList<>();
                collectFloat(r.layers(), store, p, inner, innerCopies);
                made.add(new Residual(inner.toArray(new Layer[0])));
                copies.add(new Object[]{innerCopies});
            } else {
                made.add(recreate(l, p));
                java.util.Map<String, float[]> t = new java.util.LinkedHashMap<>();
                for (ParamSpec spec : l.paramSpecs()) {
                    t.put(spec.name(), store.get(p + spec.name()).toArray());
                }
                copies.add(new Object[]{t});
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void copyFloat(List<Layer> layers, ParameterStore dst, String prefix, List<Object[]> copies, int[] index) {
        for (int i = 0; i < layers.size(); i++) {
            Object c = copies.get(index[0]++)[0];
            String p = prefix + i + ".";
            if (layers.get(i) instanceof Residual r) {
                copyFloat(r.layers(), dst, p, (List<Object[]>) c, new int[]{0});
            } else {
                for (Map.Entry<String, float[]> e : ((Map<String, float[]>) c).entrySet()) {
                    dst.get(p + e.getKey()).copyFrom(e.getValue(), 0);
                }
            }
        }
    }
}
