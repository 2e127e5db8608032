package dev.vecprop.layer;

import dev.vecprop.kernel.Activations;
import dev.vecprop.kernel.Epilogue;
import dev.vecprop.kernel.Layout;
import dev.vecprop.kernel.Panels;
import dev.vecprop.kernel.Sgemm;
import dev.vecprop.tensor.Param;
import dev.vecprop.tensor.ParamSpec;
import dev.vecprop.tensor.ParameterStore;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code y = x W^T + b} with PyTorch's tensors {@code weight [out, in]} and {@code bias [out]}. On a
 * sequence input {@code (T, in)} it maps every time step alike (as PyTorch's on the last dimension):
 * output {@code (T, out)}, the GEMMs over all {@code B*T} rows.
 *
 * <p>The weight is kept permanently in the GEMM's packed panel layout (as panels of {@code W^T}),
 * so none of the three products repacks it: forward reads it as B, the input gradient reads the
 * same array as {@code PANELS_TRANSPOSED}, and the weight gradient is written straight into the
 * same layout. Bias (and a following ReLU, when {@link Sequential} fuses it) ride in the forward
 * GEMM's epilogue; the ReLU mask of a preceding ReLU rides in the input-gradient GEMM's.
 */
public final class Linear extends AbstractLayer {
    private final int in;
    private final int out;
    private final boolean hasBias;
    /** Rows of {@code in} features per sample: 1 for a vector input, T for a sequence (T, in). */
    private int rowsPerSample = 1;
    private boolean shaped;

    private float[] w;      // store values (packed W^T at wOff)
    private float[] gw;     // store grads, same indices
    private int wOff;
    private int bOff;
    private Param weight;
    private Param bias;
    private Epilogue biasEpilogue;
    private Epilogue biasReluEpilogue;

    /**
     * Creates a fully connected layer with a bias.
     *
     * @param in  the input features IN; the input shape must be {@code (in)}
     * @param out the output features OUT
     * @throws dev.vecprop.ConfigException if a size is not positive
     */
    public Linear(int in, int out) {
        this(in, out, true);
    }

    /**
     * Creates a fully connected layer.
     *
     * @param in   the input features IN; the input shape must be {@code (in)}
     * @param out  the output features OUT
     * @param bias whether the layer has a {@code bias [out]} tensor
     * @throws dev.vecprop.ConfigException if a size is not positive
     */
    public Linear(int in, int out, boolean bias) {
        if (in <= 0 || out <= 0) {
            throw new dev.vecprop.ConfigException("Linear(" + in + "->" + out + "): sizes must be positive");
        }
        this.in = in;
        this.out = out;
        this.hasBias = bias;
    }

    @Override
    public long forwardMacs() {
        return (long) rowsPerSample * in * out;
    }

    /** {@return the number of input features} */
    public int in() {
        return in;
    }

    /** {@return the number of output features} */
    public int out() {
        return out;
    }

    /** {@return whether the layer has a bias} */
    public boolean hasBias() {
        return hasBias;
    }

    @Override
    public LayerConfig config() {
        return LayerConfig.of("Linear", "in", in, "out", out, "bias", hasBias);
    }

    @Override
    public String describe() {
        return "Linear(" + in + "->" + out + (hasBias ? "" : ", no bias") + ")";
    }

    @Override
    protected Shape computeOutputShape(Shape input) {
        if (input.rank() == 2 && input.dim(1) == in) { // a sequence (T, in): the same map at every step
            if (!shaped) { // a second build on another shape is refused by AbstractLayer.build
                rowsPerSample = input.dim(0);
                shaped = true;
            }
            return Shape.of(input.dim(0), out);
        }
        if (input.rank() != 1 || input.dim(0) != in) {
            throw new ShapeException(describe() + " expects input (" + in + ")"
                    + (input.rank() > 1 ? " or a sequence (T, " + in + ")" : "") + ", got " + input
                    + (input.rank() > 1 && input.size() == in ? " (add a Flatten before it)" : ""));
        }
        shaped = true;
        return Shape.of(out);
    }

    @Override
    public List<ParamSpec> paramSpecs() {
        List<ParamSpec> r = new ArrayList<>();
        r.add(ParamSpec.packedWeight("weight", out, in));
        if (hasBias) {
            r.add(ParamSpec.plain("bias", out));
        }
        return r;
    }

    @Override
    public void bind(String prefix, ParameterStore store) {
        weight = store.get(prefix + "weight");
        w = store.values();
        gw = store.grads();
        wOff = weight.offset();
        if (hasBias) {
            bias = store.get(prefix + "bias");
            bOff = bias.offset();
            biasEpilogue = Epilogue.bias(w, bOff);
            biasReluEpilogue = Epilogue.biasRelu(w, bOff);
        } else {
            biasEpilogue = Epilogue.NONE;
            biasReluEpilogue = Epilogue.RELU;
        }
    }

    /**
     * {@return the {@code weight [out, in]} tensor (stored as packed panels; use its accessors, not
     * raw offsets), or null before the layer is part of a model}
     */
    public Param weight() {
        return weight;
    }

    /** {@return the {@code bias [out]} tensor, or null without a bias or before the layer is part of a model} */
    public Param bias() {
        return bias;
    }

    /** PyTorch's default: U(-1/sqrt(in), 1/sqrt(in)) for weight and bias (kaiming_uniform, a=sqrt 5). */
    @Override
    public void initialize(SplittableRandom rnd) {
        double bound = 1.0 / Math.sqrt(in);
        for (int i = 0; i < out * in; i++) {
            weight.set(i, (float) ((rnd.nextDouble() * 2 - 1) * bound));
        }
        if (hasBias) {
            for (int i = 0; i < out; i++) {
                bias.set(i, (float) ((rnd.nextDouble() * 2 - 1) * bound));
            }
        }
    }

    @Override
    public void forward(Context ctx, int batch, float[] x, int xo, float[] y, int yo, float[] ws, int wo) {
        forward(ctx, batch, x, xo, y, yo, false);
    }

    /**
     * {@code x (B,IN) -> y (B,OUT) = x W^T + b}, then ReLU if {@code relu}: one GEMM, fused epilogue.
     * Needs no workspace.
     *
     * @param ctx   the pass's context
     * @param batch the number of samples B, at least 1
     * @param x     the input batch, row-major [B][IN], read from {@code x[xo ..]}
     * @param xo    the offset of the first input in {@code x}
     * @param y     receives the output batch, row-major [B][OUT], written from {@code y[yo ..]}
     * @param yo    the offset of the first output in {@code y}
     * @param relu  whether to apply {@code max(., 0)} to the result
     */
    public void forward(Context ctx, int batch, float[] x, int xo, float[] y, int yo, boolean relu) {
        Sgemm.forwardPacked(batch * rowsPerSample, in, out, x, xo, w, wOff, y, yo, relu ? biasReluEpilogue : biasEpilogue,
                ctx.pool());
    }

    @Override
    public void backward(Context ctx, int batch, float[] x, int xo, float[] y, int yo,
                         float[] dy, int dyo, float[] dx, int dxo, float[] ws, int wo) {
        backward(ctx, batch, x, xo, dy, dyo, dx, dxo, Epilogue.NONE);
    }

    /**
     * {@code dy (B,OUT), x (B,IN)}: {@code dW^T (IN,OUT) += x^T dy}, {@code db (OUT) += colsum(dy)},
     * {@code dx (B,IN) = epilogue(dy W)} (skipped when dx is null). With
     * {@code Epilogue.reluMask(x...)} the result is the gradient at the input of a preceding ReLU.
     * Parameter gradients are computed only when {@code ctx.paramGrads()}.
     *
     * @param ctx        the pass's context
     * @param batch      the number of samples B, at least 1
     * @param x          the forward's input batch, row-major [B][IN], from {@code x[xo ..]}
     * @param xo         the offset of the first input in {@code x}
     * @param dy         dL/dy, row-major [B][OUT], from {@code dy[dyo ..]}
     * @param dyo        the offset of dL/dy in {@code dy}
     * @param dx         receives dL/dx, row-major [B][IN], from {@code dx[dxo ..]}; null to skip it
     * @param dxo        the offset of dL/dx in {@code dx}
     * @param dxEpilogue applied to each dL/dx element as it is stored (the library's own
     *                   {@code Epilogue.NONE} for the plain gradient)
     */
    public void backward(Context ctx, int batch, float[] x, int xo, float[] dy, int dyo,
                         float[] dx, int dxo, Epilogue dxEpilogue) {
        int panelStride = Panels.stride(in);
        batch *= rowsPerSample;
        if (ctx.paramGrads()) {
            // stored, not added, when the gradients are known to be zero (Context#gradsZero): no read of them
            Sgemm.weightGradient(batch, in, out, x, xo, dy, dyo, !ctx.gradsZero(), gw, wOff, ctx.pool());
            if (hasBias) {
                Activations.columnSumsAccumulate(dy, dyo, batch, out, gw, bOff);
            }
        }
        if (dx != null) {
            Sgemm.sgemm(batch, in, out, dy, dyo, out, Layout.ROW_MAJOR, w, wOff, panelStride,
                    Layout.PANELS_TRANSPOSED, 0f, dx, dxo, in, Layout.ROW_MAJOR, dxEpilogue, ctx.pool());
        }
    }
}
