package dev.vecprop.layer;

import dev.vecprop.ConfigException;
import dev.vecprop.kernel.Epilogue;
import dev.vecprop.kernel.Int8Gemm;
import dev.vecprop.kernel.Int8Panels;
import dev.vecprop.kernel.Panels;
import dev.vecprop.kernel.Sgemm;
import dev.vecprop.tensor.Param;
import dev.vecprop.tensor.ParamSpec;
import dev.vecprop.tensor.ParameterStore;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code y = x W^T + b} (then ReLU, if fused) with an int8 weight: {@code W(j, k) = weight_scale_j *
 * weight(j, k)}, {@code weight [out, in]} int8 values (symmetric, {@code -127..127}), {@code weight_scale [out]},
 * {@code bias [out]} float. Inference only. A sequence input {@code (T, in)} maps every time step
 * alike, as {@link Linear}.
 *
 * <p>Two kinds of compute, chosen when quantizing (see docs/QUANTIZATION.md for what each measured):
 * <ul>
 *   <li>{@link Activations#FLOAT} (weight-only): float inputs; a request of up to {@value #ROWS_MAX}
 *       rows streams the int8 panels once per row, widening to float as it reads (4x fewer weight bytes
 *       than the float layer); a larger batch widens the panels once into its workspace and runs the float
 *       GEMM with scale and bias in its epilogue; both give every row the same result to the bit;</li>
 *   <li>{@link Activations#INT8}: inputs quantized with a calibrated per-tensor scale
 *       ({@code input_scale []}) to int8 values held as exact floats, multiplied by the int8 weight
 *       in the same kernels (the int8 products and their sums are exact in float for {@code in < 1040}),
 *       rescaled by {@code input_scale * weight_scale_j} in the epilogue.</li>
 * </ul>
 */
public final class QuantizedLinear extends AbstractLayer implements QuantizedLayer {
    /** How the layer's inputs are computed with. */
    public enum Activations {
        /** Float inputs, int8 weight widened as read (weight-only quantization). */
        FLOAT,
        /** Int8 inputs with a calibrated scale, int32 sums. */
        INT8
    }

    /** Rows up to which the weight-only path streams the int8 panels per row instead of widening them for the GEMM. */
    static final int ROWS_MAX = 8;

    private final int in;
    private final int out;
    private final boolean hasBias;
    private final boolean relu;
    private final Activations activations;
    private final String name;
    /** Rows of {@code in} features per sample: 1 for a vector input, T for a sequence (T, in). */
    private int rowsPerSample = 1;

    private ParameterStore store;
    private Param weight;
    private Param scale;
    private Param bias;
    private Param inputScale;
    private volatile Packed packed;

    /** What the kernels read, derived from the tensors at store version {@code version}. */
    private record Packed(long version, byte[] panels, float[] scale, float[] bias, float[] combined, float invInputScale,
                          Epilogue gemmEpilogue) {}

    /**
     * Creates a quantized dense layer (its tensors come from a checkpoint or from {@code Quantizer}).
     *
     * @param in          input features
     * @param out         output features
     * @param bias        whether it has a {@code bias [out]}
     * @param relu        whether a ReLU follows, fused into the epilogue
     * @param activations how inputs are computed with
     * @throws ConfigException if a size is not positive or {@code activations} is null
     */
    public QuantizedLinear(int in, int out, boolean bias, boolean relu, Activations activations) {
        if (in <= 0 || out <= 0 || activations == null) {
            throw new ConfigException("QuantizedLinear(" + in + "->" + out + "): sizes must be positive and activations given");
        }
        this.in = in;
        this.out = out;
        this.hasBias = bias;
        this.relu = relu;
        this.activations = activations;
        this.name = "QuantizedLinear(" + in + "->" + out + (relu ? ", relu" : "")
                + (activations == Activations.INT8 ? ", int8 activations" : "") + (bias ? "" : ", no bias") + ")";
    }

    /** The {@code activations} argument of a layer config: {@code float} or {@code int8}. */
    static Activations activationsArg(LayerConfig c) {
        String a = c.stringArg("activations");
        return switch (a) {
            case "float" -> Activations.FLOAT;
            case "int8" -> Activations.INT8;
            default -> throw new ConfigException("layer QuantizedLinear: argument 'activations' must be float or int8, got "
                    + dev.vecprop.io.Json.printable(a));
        };
    }

    /** {@return input features} */
    public int in() {
        return in;
    }

    /** {@return output features} */
    public int out() {
        return out;
    }

    /** {@return whether a ReLU is fused} */
    public boolean relu() {
        return relu;
    }

    /** {@return how inputs are computed with} */
    public Activations activations() {
        return activations;
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public LayerConfig config() {
        return LayerConfig.of("QuantizedLinear", "in", in, "out", out, "bias", hasBias, "relu", relu,
                "activations", activations.name().toLowerCase(java.util.Locale.ROOT));
    }

    @Override
    public long forwardMacs() {
        return (long) rowsPerSample * in * out;
    }

    @Override
    protected Shape computeOutputShape(Shape input) {
        if (input.rank() == 2 && input.dim(1) == in) { // a sequence (T, in): the same map at every step, as Linear
            rowsPerSample = input.dim(0);
            return Shape.of(input.dim(0), out);
        }
        if (input.rank() != 1 || input.dim(0) != in) {
            throw new ShapeException(describe() + " expects input (" + in + ") or a sequence (T, " + in + "), got " + input);
        }
        rowsPerSample = 1;
        return Shape.of(out);
    }

    @Override
    public List<ParamSpec> paramSpecs() {
        List<ParamSpec> r = new ArrayList<>();
        r.add(ParamSpec.int8("weight", out, in));
        r.add(ParamSpec.buffer("weight_scale", out));
        if (hasBias) {
            r.add(ParamSpec.buffer("bias", out));
        }
        if (activations == Activations.INT8) {
            r.add(ParamSpec.buffer("input_scale"));
        }
        return r;
    }

    @Override
    public void bind(String prefix, ParameterStore s) {
        store = s;
        weight = s.get(prefix + "weight");
        scale = s.get(prefix + "weight_scale");
        bias = hasBias ? s.get(prefix + "bias") : null;
        inputScale = activations == Activations.INT8 ? s.get(prefix + "input_scale") : null;
        packed = null;
    }

    /** Random int8 values with Linear's range, U(-1/sqrt(in), 1/sqrt(in)) after scaling (for benchmarks and tests). */
    @Override
    public void initialize(SplittableRandom rnd) {
        double bound = 1.0 / Math.sqrt(in);
        for (int i = 0; i < out * in; i++) {
            weight.set(i, rnd.nextInt(255) - 127);
        }
        for (int j = 0; j < out; j++) {
            scale.set(j, (float) (bound / 127));
            if (hasBias) {
                bias.set(j, (float) ((rnd.nextDouble() * 2 - 1) * bound));
            }
        }
        if (inputScale != null) {
            inputScale.set(0, 4f / 127);
        }
    }

    /** Widened panels (a batch of more than {@value #ROWS_MAX} rows), then the quantized input (int8 activations). */
    @Override
    public int workspaceSize(int batch) {
        int rows = batch * rowsPerSample;
        return (rows > ROWS_MAX ? Panels.size(in, out) : 0) + (activations == Activations.INT8 ? rows * in : 0);
    }

    @Override
    public void prepare() {
        packed();
    }

    private Packed packed() {
        Packed p = packed;
        long v = store.version();
        if (p == null || p.version != v) {
            synchronized (this) {
                p = packed;
                if (p == null || p.version != v) {
                    p = pack(v);
                    packed = p;
                }
            }
        }
        return p;
    }

    private Packed pack(long version) {
        if (store == null) {
            throw new ConfigException(describe() + " is not part of a model yet");
        }
        float[] q = Int8Weight.values(weight, describe());
        float[] s = Int8Weight.scales(scale, describe());
        float[] b = hasBias ? bias.toArray() : null;
        if (b != null) {
            for (int j = 0; j < out; j++) {
                if (!Float.isFinite(b[j])) {
                    throw new ConfigException(describe() + ": tensor " + bias.name() + " element " + j + " is " + b[j]
                            + ", expected a finite value");
                }
            }
        }
        float[] combined = null;
        float inv = 0f;
        if (inputScale != null) {
            float sx = Int8Weight.scales(inputScale, describe())[0];
            inv = 1f / sx;
            combined = new float[out];
            for (int j = 0; j < out; j++) {
                combined[j] = sx * s[j];
            }
        }
        // the batch path's GEMM epilogue: [scale | bias] per column, the row path's operations
        float[] scaleBias = new float[2 * out];
        System.arraycopy(combined != null ? combined : s, 0, scaleBias, 0, out);
        if (b != null) {
            System.arraycopy(b, 0, scaleBias, out, out);
        }
        return new Packed(version, Int8Panels.pack(q, 0, out, in), s, b, combined, inv,
                Epilogue.scaleBias(scaleBias, 0, out, relu));
    }

    @Override
    public void forward(Context ctx, int batch, float[] x, int xo, float[] y, int yo, float[] ws, int wo) {
        Packed p = packed();
        int rows = batch * rowsPerSample;
        float[] scale = p.scale;
        if (activations == Activations.INT8) {
            // the input's int8 values (as exact floats) after the widened panels: the weight-only kernels
            // then sum the int8 products exactly, rescaled by input_scale * weight_scale
            int qo = wo + (rows > ROWS_MAX ? Panels.size(in, out) : 0);
            if (!Int8Gemm.quantizeToFloat(rows, in, x, xo, p.invInputScale, ws, qo)) {
                throw new dev.vecprop.VecpropException(describe() + ": the input holds NaN or infinite values");
            }
            x = ws;
            xo = qo;
            scale = p.combined;
        }
        if (rows <= ROWS_MAX) {
            Int8Gemm.weightOnly(rows, in, out, x, xo, p.panels, scale, p.bias, relu, y, yo);
        } else {
            Int8Gemm.toFloatPanels(p.panels, out, in, ws, wo);
            Sgemm.forwardPacked(rows, in, out, x, xo, ws, wo, y, yo, p.gemmEpilogue, ctx.pool());
        }
    }

    @Override
    public void backward(Context ctx, int batch, float[] x, int xo, float[] y, int yo,
                         float[] dy, int dyo, float[] dx, int dxo, float[] ws, int wo) {
        throw new ConfigException(describe() + " is inference-only: dequantize the model (Quantizer.dequantize) to train it");
    }

    @Override
    public List<Layer> floatLayers() {
        List<Layer> r = new ArrayList<>();
        r.add(new Linear(in, out, hasBias));
        if (relu) {
            r.add(new ReLU());
        }
        return r;
    }

    @Override
    public Map<String, float[]> floatTensors() {
        Packed p = packed();
        Map<String, float[]> m = new LinkedHashMap<>();
        m.put("weight", Int8Weight.dequantize(Int8Weight.values(weight, describe()), p.scale));
        if (hasBias) {
            m.put("bias", p.bias.clone());
        }
        return m;
    }
}
