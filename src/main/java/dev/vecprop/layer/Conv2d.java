package dev.vecprop.layer;

import dev.vecprop.kernel.Activations;
import dev.vecprop.kernel.ChannelSums;
import dev.vecprop.kernel.ConvGeometry;
import dev.vecprop.kernel.ConvScratch;
import dev.vecprop.kernel.ConvWeightGrad;
import dev.vecprop.kernel.DirectConvSteps;
import dev.vecprop.kernel.Epilogue;
import dev.vecprop.kernel.ImplicitGemmConv;
import dev.vecprop.simd.GemmTiling;
import dev.vecprop.simd.Tuning;
import dev.vecprop.tensor.Param;
import dev.vecprop.tensor.ParamSpec;
import dev.vecprop.tensor.ParameterStore;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * 2-D convolution over NCHW samples, as PyTorch's {@code Conv2d}: kernel size, stride, padding,
 * dilation, groups, optional bias; {@code weight [out, in/groups, kh, kw]}, {@code bias [out]}.
 *
 * <p>The layer lays out its workspace and splits each pass over the pool ({@link ParallelPass});
 * the products are kernels. At stride 1 ({@link DirectConvSteps}) the forward and the input gradient
 * (a full correlation of the padded output gradient with the flipped kernel) read the padded image
 * on its row pitch with no column matrix, split over samples, and the weight gradient broadcasts
 * image values against the transposed output gradient, split over fixed chunks of samples; a
 * first layer's few taps take {@link ConvWeightGrad} instead, split over output channels. Where the
 * padded row pitch is much longer than an output row (a 5x5 kernel over a small image), at other
 * strides, and with {@code -Dvecprop.convInputGrad=cols} for the input gradient, the products are
 * implicit im2col GEMMs ({@link ImplicitGemmConv}). Every output element goes through the same operations
 * whatever the thread count: results are bit-identical for any number of threads.
 */
public final class Conv2d extends AbstractLayer {
    private final int inC;
    private final int outC;
    private final int kh;
    private final int kw;
    private final int stride;
    private final int pad;
    private final int dilation;
    private final int groups;
    private final boolean hasBias;

    private ConvGeometry geo;
    private float[] v;
    private float[] g;
    private int wOff;
    private int bOff;
    private Param weight;
    private Param bias;
    private Epilogue[] biasEpilogue;
    private Epilogue[] biasReluEpilogue;

    /**
     * Creates a square-kernel convolution with stride 1, no padding, and a bias.
     *
     * @param in     the input channels C
     * @param out    the output channels OC
     * @param kernel the kernel's height and width
     * @throws dev.vecprop.ConfigException if a size is less than 1
     */
    public Conv2d(int in, int out, int kernel) {
        this(in, out, kernel, kernel, 1, 0, 1, 1, true);
    }

    /**
     * Creates a square-kernel convolution with a bias.
     *
     * @param in      the input channels C
     * @param out     the output channels OC
     * @param kernel  the kernel's height and width
     * @param stride  the step between output positions, at least 1
     * @param padding the zero border on each side of the input, at least 0
     * @throws dev.vecprop.ConfigException if a size is out of range
     */
    public Conv2d(int in, int out, int kernel, int stride, int padding) {
        this(in, out, kernel, kernel, stride, padding, 1, 1, true);
    }

    /**
     * Creates a convolution with PyTorch's full set of options. The output is {@code (OC, OH, OW)}
     * with {@code OH = (H + 2*padding - dilation*(kh-1) - 1) / stride + 1} (floor), likewise OW.
     *
     * @param in       the input channels C, divisible by {@code groups}
     * @param out      the output channels OC, divisible by {@code groups}
     * @param kh       the kernel height
     * @param kw       the kernel width
     * @param stride   the step between output positions, at least 1
     * @param padding  the zero border on each side of the input, at least 0
     * @param dilation the spacing between kernel taps, at least 1
     * @param groups   the number of channel groups, at least 1 (each output channel sees {@code in/groups} inputs)
     * @param bias     whether the layer has a {@code bias [out]} tensor
     * @throws dev.vecprop.ConfigException if a size is out of range or a channel count is not divisible by {@code groups}
     */
    public Conv2d(int in, int out, int kh, int kw, int stride, int padding, int dilation, int groups, boolean bias) {
        if (in < 1 || out < 1 || kh < 1 || kw < 1 || stride < 1 || padding < 0 || dilation < 1 || groups < 1
                || in % groups != 0 || out % groups != 0) {
            throw new dev.vecprop.ConfigException("Conv2d(" + in + "->" + out + ", k=" + kh + "x" + kw + ", stride="
                    + stride + ", padding=" + padding + ", dilation=" + dilation + ", groups=" + groups
                    + "): sizes must be positive and channels divisible by groups");
        }
        this.inC = in;
        this.outC = out;
        this.kh = kh;
        this.kw = kw;
        this.stride = stride;
        this.pad = padding;
        this.dilation = dilation;
        this.groups = groups;
        this.hasBias = bias;
    }

    @Override
    public LayerConfig config() {
        return LayerConfig.of("Conv2d", "in", inC, "out", outC, "kh", kh, "kw", kw, "stride", stride,
                "padding", pad, "dilation", dilation, "groups", groups, "bias", hasBias);
    }

    @Override
    public String describe() {
        return "Conv2d(" + inC + "->" + outC + ", k=" + kh + (kh == kw ? "" : "x" + kw)
                + (stride == 1 ? "" : ", stride=" + stride) + (pad == 0 ? "" : ", padding=" + pad)
                + (dilation == 1 ? "" : ", dilation=" + dilation) + (groups == 1 ? "" : ", groups=" + groups)
                + (hasBias ? "" : ", no bias") + ")";
    }

    @Override
    protected Shape computeOutputShape(Shape input) {
        if (input.rank() != 3 || input.dim(0) != inC) {
            throw new ShapeException(describe() + " expects input (" + inC + ",H,W), got " + input);
        }
        ConvGeometry c = new ConvGeometry(inC, outC, kh, kw, stride, pad, dilation, groups, input.dim(1), input.dim(2));
        if (c.oh < 1 || c.ow < 1) {
            throw new ShapeException(describe() + " does not fit input " + input + " (output would be "
                    + c.oh + "x" + c.ow + ")");
        }
        geo = c;
        return Shape.of(outC, c.oh, c.ow);
    }

    @Override
    public long forwardMacs() {
        return (long) outC * geo.oh * geo.ow * geo.k;
    }

    @Override
    public List<ParamSpec> paramSpecs() {
        List<ParamSpec> r = new ArrayList<>();
        r.add(ParamSpec.plain("weight", outC, inC / groups, kh, kw));
        if (hasBias) {
            r.add(ParamSpec.plain("bias", outC));
        }
        return r;
    }

    @Override
    public void bind(String prefix, ParameterStore store) {
        v = store.values();
        g = store.grads();
        weight = store.get(prefix + "weight");
        wOff = weight.offset();
        if (hasBias) {
            bias = store.get(prefix + "bias");
            bOff = bias.offset();
        }
        biasEpilogue = new Epilogue[groups];
        biasReluEpilogue = new Epilogue[groups];
        for (int gi = 0; gi < groups; gi++) {
            biasEpilogue[gi] = Epilogue.rowBias(hasBias ? v : null, bOff + gi * (outC / groups), false);
            biasReluEpilogue[gi] = Epilogue.rowBias(hasBias ? v : null, bOff + gi * (outC / groups), true);
        }
    }

    /** PyTorch's default: U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = in/groups * kh * kw. */
    @Override
    public void initialize(SplittableRandom rnd) {
        double bound = 1.0 / Math.sqrt((double) inC / groups * kh * kw);
        for (int i = 0; i < weight.numel(); i++) {
            weight.set(i, (float) ((rnd.nextDouble() * 2 - 1) * bound));
        }
        if (hasBias) {
            for (int i = 0; i < outC; i++) {
                bias.set(i, (float) ((rnd.nextDouble() * 2 - 1) * bound));
            }
        }
    }

    /**
     * Whether the direct kernels run the forward: stride 1, and the padded row pitch at most half
     * longer than an output row (the pitch grid's extra columns are computed and dropped). At that
     * limit, LeNet's 5x5 kernel over 12 columns, the direct forward still ran at twice the implicit
     * GEMM's rate (45% against 23% of the FMA peak, bench layers' pass table, Zen 5): the per-sample
     * GEMM of 16 channels x 64 positions spends its time packing.
     */
    private boolean direct() {
        return stride == 1 && 2L * geo.wp <= 3L * geo.ow;
    }

    /**
     * Whether the input gradient is the direct full correlation: as {@link #direct()}, on the padded
     * gradient's pitch (LeNet's conv2: 13% -> 19% of peak against the implicit GEMM at this limit).
     */
    private boolean directInput() {
        return stride == 1 && 2L * geo.wdp <= 3L * geo.w && !Tuning.CONV_INPUT_GRAD.equals("cols");
    }

    /**
     * Few taps (a first layer): the weight gradient computed directly per output channel
     * ({@link ConvWeightGrad}), the tap-broadcast kernel's 6-tap x 64-channel tile being mostly padding.
     */
    private boolean fewTapWeights() {
        return stride == 1 && groups == 1 && geo.k <= 32 && (long) outC * geo.k <= 1024;
    }

    /**
     * Whether the tap-broadcast kernel takes the weight gradient: stride 1, its channel tile (one vector
     * for a group of at most L channels on 32 registers, else 4) at most half padding.
     */
    private boolean directWeights() {
        return stride == 1 && !fewTapWeights() && DirectConvSteps.ldt(geo) <= 2 * geo.opg;
    }

    // Workspace (stride 1): packed forward weights | packed flipped weights | weight-gradient chunks.
    private int inputWeightsAt() {
        return DirectConvSteps.forwardWeightsSize(geo);
    }

    private int accumulatorsAt() {
        return inputWeightsAt() + DirectConvSteps.inputWeightsSize(geo);
    }

    /** Stride 1: the packed weights of the forward and the input gradient, and the weight-gradient chunks' partial sums. */
    @Override
    public int workspaceSize(int batch) {
        return stride == 1 ? accumulatorsAt() + DirectConvSteps.chunks(batch) * DirectConvSteps.chunkSize(geo) : 0;
    }

    @Override
    public void forward(Context ctx, int batch, float[] x, int xo, float[] y, int yo, float[] ws, int wo) {
        forward(ctx, batch, x, xo, y, yo, ws, wo, false);
    }

    /**
     * {@link #forward(Context, int, float[], int, float[], int, float[], int) Forward}, optionally
     * with a ReLU fused into the store: {@code y = max(conv(x) + bias, 0)}. {@link Sequential} uses it
     * for a Conv2d followed by a {@link ReLU}.
     *
     * @param ctx   the pass's context
     * @param batch the number of samples B, at least 1
     * @param x     the input batch, NCHW [B][C][H][W], read from {@code x[xo ..]}
     * @param xo    the offset of the first input in {@code x}
     * @param y     receives the output batch, NCHW [B][OC][OH][OW], written from {@code y[yo ..]}
     * @param yo    the offset of the first output in {@code y}
     * @param ws    the layer's scratch ({@link #workspaceSize} floats from {@code wo})
     * @param wo    the offset of the layer's scratch in {@code ws}
     * @param relu  whether to apply the ReLU
     */
    public void forward(Context ctx, int batch, float[] x, int xo, float[] y, int yo, float[] ws, int wo, boolean relu) {
        // x (B,C,H,W) -> y (B,OC,OH,OW)
        if (direct()) {
            DirectConvSteps.packForward(geo, v, wOff, ws, wo);
        }
        ParallelPass.get(body, FORWARD, batch).in(x, xo).out(y, yo).ws(ws, wo).flag(relu)
                .run(ctx.pool(), batch, 1, batch >= ctx.pool().threads());
    }

    @Override
    public void backward(Context ctx, int batch, float[] x, int xo, float[] y, int yo,
                         float[] dy, int dyo, float[] dx, int dxo, float[] ws, int wo) {
        backward(ctx, batch, x, xo, y, yo, dy, dyo, dx, dxo, ws, wo, false);
    }

    /**
     * {@link #backward(Context, int, float[], int, float[], int, float[], int, float[], int, float[], int) Backward},
     * optionally through a {@link ReLU} before this layer: with {@code reluInput}, {@code x} is the
     * ReLU's output and {@code dx} receives the gradient at the ReLU's input, {@code dx = [x > 0] * dL/dx},
     * applied to each sample's input gradient as soon as it is computed (while it is in cache), bit for
     * bit what the ReLU's own backward would give. {@link Sequential} uses it for a ReLU followed by a Conv2d.
     *
     * @param ctx       the pass's context
     * @param batch     the number of samples B, as in forward
     * @param x         the forward's input batch, NCHW [B][C][H][W], from {@code x[xo ..]}
     * @param xo        the offset of the first input in {@code x}
     * @param y         the forward's output batch (not read)
     * @param yo        the offset of the first output in {@code y}
     * @param dy        dL/dy, NCHW [B][OC][OH][OW], from {@code dy[dyo ..]}
     * @param dyo       the offset of dL/dy in {@code dy}
     * @param dx        receives dL/dx (at the ReLU's input with {@code reluInput}), from {@code dx[dxo ..]}; null to skip it
     * @param dxo       the offset of dL/dx in {@code dx}
     * @param ws        the scratch the forward filled
     * @param wo        the offset of the layer's scratch in {@code ws}
     * @param reluInput whether to apply the preceding ReLU's backward
     */
    public void backward(Context ctx, int batch, float[] x, int xo, float[] y, int yo,
                         float[] dy, int dyo, float[] dx, int dxo, float[] ws, int wo, boolean reluInput) {
        // dy (B,OC,OH,OW) -> dW += .., db += .., dx (B,C,H,W) (times [x > 0] with reluInput)
        boolean parallel = ctx.pool().threads() > 1;
        if (ctx.paramGrads()) {
            if (hasBias && !directWeights() && !fewTapWeights()) { // (those two take the bias gradient with the weights')
                ParallelPass.get(body, BIAS, batch).grad(dy, dyo).run(ctx.pool(), outC, 1, parallel);
            }
            if (fewTapWeights()) {
                ParallelPass.get(body, WEIGHTS_FEW_TAPS, batch).in(x, xo).grad(dy, dyo).run(ctx.pool(), outC, 2, parallel);
            } else if (directWeights()) { // the bias gradient comes with the weights'
                int chunks = DirectConvSteps.chunks(batch);
                ParallelPass.get(body, WEIGHTS, batch).in(x, xo).grad(dy, dyo).ws(ws, wo)
                        .run(ctx.pool(), chunks, 1, parallel);
                DirectConvSteps.reduceChunks(geo, chunks, ws, wo + accumulatorsAt(), g, wOff, hasBias ? g : null, bOff);
            } else {
                boolean byTaps = weightsByTaps(ctx.pool().threads());
                ParallelPass.get(body, byTaps ? WEIGHTS_BY_TAPS : WEIGHTS_BY_ROWS, batch).in(x, xo).grad(dy, dyo)
                        .run(ctx.pool(), byTaps ? tapPanels() : rowTiles(), 1, parallel);
            }
        }
        if (dx != null) {
            if (directInput()) {
                DirectConvSteps.packInput(geo, v, wOff, ws, wo + inputWeightsAt());
            }
            ParallelPass.get(body, INPUT, batch).in(x, xo).grad(dy, dyo).inputGrad(dx, dxo).ws(ws, wo).flag(reluInput)
                    .run(ctx.pool(), batch, 1, batch >= ctx.pool().threads());
        }
    }

    private static final int FORWARD = 0;
    private static final int INPUT = 1;
    private static final int BIAS = 2;
    private static final int WEIGHTS = 3;
    private static final int WEIGHTS_BY_TAPS = 4;
    private static final int WEIGHTS_BY_ROWS = 5;
    private static final int WEIGHTS_FEW_TAPS = 6;

    /** With fewer samples than workers, a per-sample pass runs on the caller and each GEMM splits its columns. */
    private static dev.vecprop.concurrent.WorkerPool gemmPool(ParallelPass p) {
        return p.batch < p.pool.threads() ? p.pool : null;
    }

    /** This layer's work for items {@code [from, to)} of pass {@code p}. */
    private final ParallelPass.Body body = this::range;

    private void range(ParallelPass p, int from, int to) {
        ConvScratch sc = ConvScratch.get();
        ConvGeometry c = geo;
        int in = inC * c.h * c.w;
        int out = outC * c.positions();
        switch (p.kind) {
            case FORWARD -> {
                for (int s = from; s < to; s++) {
                    if (direct()) {
                        DirectConvSteps.forwardSample(c, sc, p.x, p.xo + s * in, p.ws, p.wo, hasBias ? v : null, bOff,
                                p.flag, p.y, p.yo + s * out);
                    } else {
                        ImplicitGemmConv.forwardSample(c, sc, p.x, p.xo + s * in, v, wOff,
                                p.flag ? biasReluEpilogue : biasEpilogue, p.y, p.yo + s * out, gemmPool(p));
                    }
                }
            }
            case INPUT -> {
                for (int s = from; s < to; s++) {
                    if (directInput()) {
                        DirectConvSteps.inputSample(c, sc, p.dy, p.dyo + s * out, p.ws, p.wo + inputWeightsAt(),
                                p.dx, p.dxo + s * in);
                    } else {
                        ImplicitGemmConv.inputSample(c, sc, p.dy, p.dyo + s * out, v, wOff, p.dx, p.dxo + s * in,
                                gemmPool(p));
                    }
                    if (p.flag) { // the preceding ReLU's backward, in place while the sample is in cache
                        Activations.reluBackward(p.x, p.xo + s * in, p.dx, p.dxo + s * in, p.dx, p.dxo + s * in, in);
                    }
                }
            }
            case BIAS -> ChannelSums.accumulate(p.dy, p.dyo, p.batch, outC, c.positions(), from, to, g, bOff);
            case WEIGHTS -> {
                for (int chunk = from; chunk < to; chunk++) {
                    DirectConvSteps.weightChunk(c, sc, chunk, p.batch, p.x, p.xo, p.dy, p.dyo, p.ws,
                            p.wo + accumulatorsAt() + chunk * DirectConvSteps.chunkSize(c), hasBias);
                }
            }
            case WEIGHTS_FEW_TAPS -> ConvWeightGrad.accumulateBatch(c, sc, p.batch, p.x, p.xo, p.dy, p.dyo, from, to, g, wOff,
                    hasBias ? g : null, bOff);
            case WEIGHTS_BY_TAPS -> ImplicitGemmConv.weightBlock(c, sc, p.batch, p.x, p.xo, p.dy, p.dyo, 0, c.opg,
                    from * GemmTiling.NR, Math.min(c.k, to * GemmTiling.NR), g, wOff);
            case WEIGHTS_BY_ROWS -> ImplicitGemmConv.weightBlock(c, sc, p.batch, p.x, p.xo, p.dy, p.dyo,
                    from * GemmTiling.MR, Math.min(c.opg, to * GemmTiling.MR), 0, c.k, g, wOff);
            default -> throw new IllegalStateException("pass " + p.kind);
        }
    }

    private int tapPanels() {
        return (geo.k + GemmTiling.NR - 1) / GemmTiling.NR;
    }

    private int rowTiles() {
        return (geo.opg + GemmTiling.MR - 1) / GemmTiling.MR;
    }

    /** The implicit-GEMM weight gradient splits its taps unless there are fewer tap panels than workers and row tiles. */
    private boolean weightsByTaps(int workers) {
        return tapPanels() >= workers || tapPanels() >= rowTiles();
    }
}
