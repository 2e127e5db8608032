package dev.vecprop.layer;

import dev.vecprop.ConfigException;
import dev.vecprop.tensor.Param;
import dev.vecprop.tensor.ParamSpec;
import dev.vecprop.tensor.ParameterStore;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A {@link Conv2d} (then ReLU, if fused) with an int8 weight: {@code W(o, ...) = weight_scale_o *
 * weight(o, ...)}, {@code weight [out, in/groups, kh, kw]} int8 values ({@code -127..127}),
 * {@code weight_scale [out]}, {@code bias [out]} float. Inference only.
 *
 * <p>Weight-only: the checkpoint holds int8, and the layer widens it once (each time its tensors
 * change) into a float convolution of the same geometry that runs the float direct / implicit-GEMM
 * kernels. The int8-activation GEMM measured slower than the float one at these shapes on both vector
 * widths (docs/QUANTIZATION.md), so the convolutions compute in float; what quantizing them buys is
 * the 4x smaller checkpoint.
 */
public final class QuantizedConv2d extends AbstractLayer implements QuantizedLayer {
    private final int in;
    private final int out;
    private final int kh;
    private final int kw;
    private final int stride;
    private final int padding;
    private final int dilation;
    private final int groups;
    private final boolean hasBias;
    private final boolean relu;
    private final Conv2d conv;
    private final ParameterStore convStore;

    private ParameterStore store;
    private Param weight;
    private Param scale;
    private Param bias;
    private volatile long preparedVersion = -1;

    /**
     * Creates a quantized convolution (its tensors come from a checkpoint or from {@code Quantizer}).
     *
     * @param in       input channels
     * @param out      output channels
     * @param kh       kernel height
     * @param kw       kernel width
     * @param stride   stride
     * @param padding  zero padding
     * @param dilation dilation
     * @param groups   groups
     * @param bias     whether it has a {@code bias [out]}
     * @param relu     whether a ReLU follows, fused into the store
     * @throws ConfigException as {@link Conv2d}'s constructor
     */
    public QuantizedConv2d(int in, int out, int kh, int kw, int stride, int padding, int dilation, int groups,
                           boolean bias, boolean relu) {
        this.conv = new Conv2d(in, out, kh, kw, stride, padding, dilation, groups, bias);
        this.in = in;
        this.out = out;
        this.kh = kh;
        this.kw = kw;
        this.stride = stride;
        this.padding = padding;
        this.dilation = dilation;
        this.groups = groups;
        this.hasBias = bias;
        this.relu = relu;
        Map<String, ParamSpec> specs = new LinkedHashMap<>();
        for (ParamSpec s : conv.paramSpecs()) {
            specs.put(s.name(), s);
        }
        this.convStore = new ParameterStore(specs);
        conv.bind("", convStore);
    }

    @Override
    public String describe() {
        String c = conv.describe();
        return "Quantized" + c.substring(0, c.length() - 1) + (relu ? ", relu" : "") + ")";
    }

    @Override
    public LayerConfig config() {
        return LayerConfig.of("QuantizedConv2d", "in", in, "out", out, "kh", kh, "kw", kw, "stride", stride,
                "padding", padding, "dilation", dilation, "groups", groups, "bias", hasBias, "relu", relu);
    }

    @Override
    protected Shape computeOutputShape(Shape input) {
        try {
            return conv.build(input);
        } catch (ShapeException e) {
            throw new ShapeException(e.getMessage().replace(conv.describe(), describe()));
        }
    }

    @Override
    public long forwardMacs() {
        return conv.forwardMacs();
    }

    @Override
    public List<ParamSpec> paramSpecs() {
        List<ParamSpec> r = new ArrayList<>();
        r.add(ParamSpec.int8("weight", out, in / groups, kh, kw));
        r.add(ParamSpec.buffer("weight_scale", out));
        if (hasBias) {
            r.add(ParamSpec.buffer("bias", out));
        }
        return r;
    }

    @Override
    public void bind(String prefix, ParameterStore s) {
        store = s;
        weight = s.get(prefix + "weight");
        scale = s.get(prefix + "weight_scale");
        bias = hasBias ? s.get(prefix + "bias") : null;
        preparedVersion = -1;
    }

    /** Random int8 values with Conv2d's range after scaling (for benchmarks and tests). */
    @Override
    public void initialize(SplittableRandom rnd) {
        int fanIn = in / groups * kh * kw;
        double bound = 1.0 / Math.sqrt(fanIn);
        for (int i = 0; i < weight.numel(); i++) {
            weight.set(i, rnd.nextInt(255) - 127);
        }
        for (int o = 0; o < out; o++) {
            scale.set(o, (float) (bound / 127));
            if (hasBias) {
                bias.set(o, (float) ((rnd.nextDouble() * 2 - 1) * bound));
            }
        }
    }

    @Override
    public int workspaceSize(int batch) {
        return conv.workspaceSize(batch);
    }

    @Override
    public void prepare() {
        prepared();
    }

    private void prepared() {
        long v = store.version();
        if (preparedVersion != v) {
            synchronized (this) {
                if (preparedVersion != v) {
                    Map<String, float[]> t = dequantized();
                    convStore.get("weight").copyFrom(t.get("weight"), 0);
                    if (hasBias) {
                        convStore.get("bias").copyFrom(t.get("bias"), 0);
                    }
                    preparedVersion = v;
                }
            }
        }
    }

    private Map<String, float[]> dequantized() {
        if (store == null) {
            throw new ConfigException(describe() + " is not part of a model yet");
        }
        float[] q = Int8Weight.values(weight, describe());
        float[] s = Int8Weight.scales(scale, describe());
        Map<String, float[]> m = new LinkedHashMap<>();
        m.put("weight", Int8Weight.dequantize(q, s));
        if (hasBias) {
            float[] b = bias.toArray();
            for (int o = 0; o < out; o++) {
                if (!Float.isFinite(b[o])) {
                    throw new ConfigException(describe() + ": tensor " + bias.name() + " element " + o + " is " + b[o]
                            + ", expected a finite value");
                }
            }
            m.put("bias", b);
        }
        return m;
    }

    @Override
    public void forward(Context ctx, int batch, float[] x, int xo, float[] y, int yo, float[] ws, int wo) {
        prepared();
        conv.forward(ctx, batch, x, xo, y, yo, ws, wo, relu);
    }

    @Override
    public void backward(Context ctx, int batch, float[] x, int xo, float[] y, int yo,
                         float[] dy, int dyo, float[] dx, int dxo, float[] ws, int wo) {
        throw new ConfigException(describe() + " is inference-only: dequantize the model (Quantizer.dequantize) to train it");
    }

    @Override
    public List<Layer> floatLayers() {
        List<Layer> r = new ArrayList<>();
        r.add(new Conv2d(in, out, kh, kw, stride, padding, dilation, groups, hasBias));
        if (relu) {
            r.add(new ReLU());
        }
        return r;
    }

    @Override
    public Map<String, float[]> floatTensors() {
        return dequantized();
    }
}
