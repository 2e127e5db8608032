package dev.vecprop.layer;

import dev.vecprop.kernel.Epilogue;
import dev.vecprop.kernel.Layout;
import dev.vecprop.kernel.Sgemm;
import dev.vecprop.tensor.Param;
import dev.vecprop.tensor.ParamSpec;
import dev.vecprop.tensor.ParameterStore;

import dev.vecprop.concurrent.WorkerPool;
import dev.vecprop.kernel.ConvColumns;
import dev.vecprop.kernel.ConvWeightGrad;
import dev.vecprop.simd.Tuning;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * 2-D convolution over NCHW samples, as PyTorch's {@code Conv2d}: kernel size, stride, padding,
 * dilation, groups, optional bias; {@code weight [out, in/groups, kh, kw]}, {@code bias [out]}.
 *
 * <p>Every product is a packed GEMM whose column matrix is never built: {@link ConvColumns} writes
 * each B block straight from the (zero-padded) image through tap/position offset tables.
 * Per sample s and group g, with K = in/g*kh*kw taps and N = OH*OW positions:
 * <pre>
 *   forward  y[s] (OC/g, N)  = W_g (OC/g, K) . cols(x[s]) (K, N) + bias        workers split samples
 *   weights  dW_g (OC/g, K) += sum_s dy[s] (OC/g, N) . cols(x[s])^T (N, K)      workers split taps (or rows)
 *   input    dcols = W_g^T . dy[s], dx[s] = col2im(dcols)                         workers split samples
 *            or (stride 1, when it packs fewer elements) dx[s] (C/g, H*W) = Wflip_g (C/g, OC/g*kh*kw) . cols(pad(dy[s]))
 * </pre>
 * The second input-gradient form is the "full" correlation of dy, padded by dilation*(k-1), with the
 * flipped, channel-transposed kernel, computed only at the unpadded input positions; it wins when a
 * layer reduces channels. Few-tap layers (a first layer) compute the weight gradient directly
 * ({@link ConvWeightGrad}) instead of through a GEMM. Every output
 * element goes through the same operations whatever the thread count: results are bit-identical
 * for any number of threads. Per-thread pad buffers are allocated once and reused.
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

    private int h;
    private int w;
    private int oh;
    private int ow;
    private int hp;
    private int wp;
    /** Offsets of the K taps and N positions in the padded input (C/g, HP, WP). */
    private int[] tapFwd;
    private int[] posFwd;
    /** Full-correlation input gradient only: offsets of the flipped kernel's taps and the input positions in the padded dy (OC/g, HDP, WDP). */
    private int hdp;
    private int wdp;
    private int[] tapBwd;
    private int[] posBwd;
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
        h = input.dim(1);
        w = input.dim(2);
        oh = (h + 2 * pad - dilation * (kh - 1) - 1) / stride + 1;
        ow = (w + 2 * pad - dilation * (kw - 1) - 1) / stride + 1;
        if (oh < 1 || ow < 1) {
            throw new ShapeException(describe() + " does not fit input " + input + " (output would be "
                    + oh + "x" + ow + ")");
        }
        hp = h + 2 * pad;
        wp = w + 2 * pad;
        tapFwd = taps(cpg(), hp, wp);
        posFwd = positions(oh, ow, stride, 0, wp);
        if (fullCorrelation()) {
            hdp = oh + 2 * dilation * (kh - 1);
            wdp = ow + 2 * dilation * (kw - 1);
            tapBwd = taps(opg(), hdp, wdp);
            posBwd = positions(h, w, 1, pad, wdp);
        }
        return Shape.of(outC, oh, ow);
    }

    /** Offsets of the kernel taps (channel, row, column; dilation included) in an image of (channels, rows, cols). */
    private int[] taps(int channels, int rows, int cols) {
        int[] t = new int[channels * kh * kw];
        for (int c = 0, r = 0; c < channels; c++) {
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++, r++) {
                    t[r] = (c * rows + i * dilation) * cols + j * dilation;
                }
            }
        }
        return t;
    }

    /** Offsets of an (n1 x n2) grid of positions, step {@code step}, starting at (skip, skip), in rows of {@code cols}. */
    private static int[] positions(int n1, int n2, int step, int skip, int cols) {
        int[] p = new int[n1 * n2];
        for (int y = 0; y < n1; y++) {
            for (int x = 0; x < n2; x++) {
                p[y * n2 + x] = (y * step + skip) * cols + x * step + skip;
            }
        }
        return p;
    }

    @Override
    public long forwardMacs() {
        return (long) outC * oh * ow * colRows();
    }

    private int cpg() {
        return inC / groups;
    }

    private int opg() {
        return outC / groups;
    }

    private int colRows() {
        return cpg() * kh * kw;
    }

    @Override
    public List<ParamSpec> paramSpecs() {
        List<ParamSpec> r = new ArrayList<>();
        r.add(ParamSpec.plain("weight", outC, cpg(), kh, kw));
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
            biasEpilogue[gi] = Epilogue.rowBias(hasBias ? v : null, bOff + gi * opg(), false);
            biasReluEpilogue[gi] = Epilogue.rowBias(hasBias ? v : null, bOff + gi * opg(), true);
        }
    }

    /** PyTorch's default: U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = in/groups * kh * kw. */
    @Override
    public void initialize(SplittableRandom rnd) {
        double bound = 1.0 / Math.sqrt(colRows());
        for (int i = 0; i < weight.numel(); i++) {
            weight.set(i, (float) ((rnd.nextDouble() * 2 - 1) * bound));
        }
        if (hasBias) {
            for (int i = 0; i < outC; i++) {
                bias.set(i, (float) ((rnd.nextDouble() * 2 - 1) * bound));
            }
        }
    }

    /** Stride 1: the flipped kernel Wflip (C, OC/g*kh*kw) for the input gradient. */
    @Override
    public int workspaceSize(int batch) {
        return fullCorrelation() ? inC * opg() * kh * kw : 0;
    }

    @Override
    public void forward(Context ctx, int batch, float[] x, int xo, float[] y, int yo, float[] ws, int wo) {
        forward(ctx, batch, x, xo, y, yo, ws, wo, false);
    }

    /**
     * {@link #forward(Context, int, float[], int, float[], int, float[], int) Forward}, optionally
     * with a ReLU fused into the GEMM's store: {@code y = max(conv(x) + bias, 0)}. {@link Sequential}
     * uses it for a Conv2d followed by a {@link ReLU}.
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
        Pass t = PASS.get();
        t.set(Pass.FORWARD, this, ctx.pool(), batch, x, xo, y, yo, null, 0, null, 0, ws, wo);
        t.relu = relu;
        try {
            t.dispatch();
        } finally {
            t.clear();
        }
    }

    @Override
    public void backward(Context ctx, int batch, float[] x, int xo, float[] y, int yo,
                         float[] dy, int dyo, float[] dx, int dxo, float[] ws, int wo) {
        // dy (B,OC,OH,OW) -> dW += .., db += .., dx (B,C,H,W)
        Pass t = PASS.get();
        try {
            if (ctx.paramGrads()) {
                t.set(Pass.WEIGHTS, this, ctx.pool(), batch, x, xo, null, 0, dy, dyo, null, 0, ws, wo);
                t.dispatch();
            }
            if (dx != null) {
                if (fullCorrelation()) {
                    flipKernel(ws, wo);
                }
                t.set(Pass.INPUT, this, ctx.pool(), batch, null, 0, null, 0, dy, dyo, dx, dxo, ws, wo);
                t.dispatch();
            }
        } finally {
            t.clear();
        }
    }

    /** ws[wo..] = Wflip: per group, Wflip_g[c][(o*kh + i)*kw + j] = W[g*opg + o][c][kh-1-i][kw-1-j]. */
    private void flipKernel(float[] ws, int wo) {
        int kb = opg() * kh * kw;
        for (int gi = 0; gi < groups; gi++) {
            for (int c = 0; c < cpg(); c++) {
                int dst = wo + (gi * cpg() + c) * kb;
                for (int o = 0; o < opg(); o++) {
                    int src = wOff + ((gi * opg() + o) * cpg() + c) * kh * kw;
                    for (int i = 0; i < kh; i++) {
                        for (int j = 0; j < kw; j++) {
                            ws[dst + (o * kh + i) * kw + j] = v[src + (kh - 1 - i) * kw + (kw - 1 - j)];
                        }
                    }
                }
            }
        }
    }

    /** One sample's forward: y[s] = W . cols(x[s]) + bias, per group. */
    private void forwardSample(Scratch sc, int s, float[] x, int xo, float[] y, int yo, boolean relu,
                               WorkerPool gemmPool) {
        int n = oh * ow;
        int k = colRows();
        float[] img = x;
        int base = xo + s * inC * h * w;
        if (pad > 0) {
            img = sc.pad(x, base, inC, h, w, pad, pad);
            base = 0;
        }
        for (int gi = 0; gi < groups; gi++) {
            sc.source.set(false, img, base + gi * cpg() * hp * wp, tapFwd, posFwd, n, 0);
            Sgemm.sgemm(opg(), n, k, v, wOff + gi * opg() * k, k, Layout.ROW_MAJOR, sc.source,
                    0f, y, yo + (s * outC + gi * opg()) * n, n, Layout.ROW_MAJOR,
                    relu ? biasReluEpilogue[gi] : biasEpilogue[gi], gemmPool);
        }
    }

    /** dW rows [o0,o1) x taps [r0,r1) (per group) += sum over samples of dy[s] . cols(x[s])^T. */
    private void weightBlock(Scratch sc, int batch, float[] x, int xo, float[] dy, int dyo,
                             int o0, int o1, int r0, int r1) {
        int n = oh * ow;
        int k = colRows();
        for (int s = 0; s < batch; s++) {
            float[] img = x;
            int base = xo + s * inC * h * w;
            if (pad > 0) {
                img = sc.pad(x, base, inC, h, w, pad, pad);
                base = 0;
            }
            for (int gi = 0; gi < groups; gi++) {
                sc.source.set(true, img, base + gi * cpg() * hp * wp, tapFwd, posFwd, k, r0);
                Sgemm.sgemm(o1 - o0, r1 - r0, n, dy, dyo + (s * outC + gi * opg() + o0) * n, n, Layout.ROW_MAJOR,
                        sc.source, 1f, g, wOff + (gi * opg() + o0) * k + r0, k, Layout.ROW_MAJOR, Epilogue.NONE, null);
            }
        }
    }

    /**
     * Few taps (a first layer): the weight gradient computed directly ({@link ConvWeightGrad}) — a GEMM
     * would spend its time writing K <= 32 gathered columns per position for a few multiply-adds.
     */
    private boolean directWeights() {
        return stride == 1 && groups == 1 && colRows() <= 32 && (long) outC * colRows() <= 1024;
    }

    /** dW rows [o0,o1) += sum over samples, directly. */
    private void directWeightBlock(Scratch sc, int batch, float[] x, int xo, float[] dy, int dyo, int o0, int o1) {
        int n = oh * ow;
        int k = colRows();
        for (int s = 0; s < batch; s++) {
            float[] img = x;
            int base = xo + s * inC * h * w;
            if (pad > 0) {
                img = sc.pad(x, base, inC, h, w, pad, pad);
                base = 0;
            }
            ConvWeightGrad.accumulate(img, base, wp, tapFwd, dy, dyo + s * outC * n, oh, ow, o0, o1, 0, k, k, g, wOff);
        }
    }

    /** db[o] += sum over samples and positions of dy, for channels [o0,o1). */
    private void biasBlock(int batch, float[] dy, int dyo, int o0, int o1) {
        int n = oh * ow;
        for (int o = o0; o < o1; o++) {
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
            for (int s = 0; s < batch; s++) {
                int row = dyo + (s * outC + o) * n;
                int j = 0;
                for (; j + 4 <= n; j += 4) {
                    s0 += dy[row + j];
                    s1 += dy[row + j + 1];
                    s2 += dy[row + j + 2];
                    s3 += dy[row + j + 3];
                }
                for (; j < n; j++) {
                    s0 += dy[row + j];
                }
            }
            g[bOff + o] += (s0 + s1) + (s2 + s3);
        }
    }

    /** One sample's input gradient dx[s] (overwritten). */
    private void inputSample(Scratch sc, int s, float[] dy, int dyo, float[] dx, int dxo, float[] ws, int wo,
                             WorkerPool gemmPool) {
        int n = oh * ow;
        int k = colRows();
        int hw = h * w;
        if (fullCorrelation()) {
            float[] img = sc.pad(dy, dyo + s * outC * n, outC, oh, ow, dilation * (kh - 1), dilation * (kw - 1));
            int kb = opg() * kh * kw;
            for (int gi = 0; gi < groups; gi++) {
                sc.source.set(false, img, gi * opg() * hdp * wdp, tapBwd, posBwd, hw, 0);
                Sgemm.sgemm(cpg(), hw, kb, ws, wo + gi * cpg() * kb, kb, Layout.ROW_MAJOR, sc.source,
                        0f, dx, dxo + (s * inC + gi * cpg()) * hw, hw, Layout.ROW_MAJOR, Epilogue.NONE, gemmPool);
            }
            return;
        }
        float[] dcols = sc.cols(k * n);
        java.util.Arrays.fill(dx, dxo + s * inC * hw, dxo + (s + 1) * inC * hw, 0f);
        for (int gi = 0; gi < groups; gi++) {
            Sgemm.sgemm(k, n, opg(), v, wOff + gi * opg() * k, k, Layout.TRANSPOSED,
                    dy, dyo + (s * outC + gi * opg()) * n, n, Layout.ROW_MAJOR,
                    0f, dcols, 0, n, Layout.ROW_MAJOR, Epilogue.NONE, gemmPool);
            if (stride == 1) {
                col2imRows(dcols, 0, n, dx, dxo + (s * inC + gi * cpg()) * hw);
            } else {
                col2im(dcols, 0, n, dx, dxo + (s * inC + gi * cpg()) * hw);
            }
        }
    }

    /** Per-thread buffers: a zero-padded image, stride > 1 gradient columns, and the panel source. */
    private static final class Scratch {
        float[] padded = new float[0];
        float[] dcols = new float[0];
        final Source source = new Source();

        /** src (ch, hh, ww) at so, zero-padded by ph rows and pw columns on each side. */
        float[] pad(float[] src, int so, int ch, int hh, int ww, int ph, int pw) {
            int h2 = hh + 2 * ph;
            int w2 = ww + 2 * pw;
            int need = ch * h2 * w2;
            if (padded.length < need) {
                padded = new float[need];
            }
            float[] d = padded;
            for (int c = 0; c < ch; c++) {
                int plane = c * h2 * w2;
                java.util.Arrays.fill(d, plane, plane + ph * w2, 0f);
                for (int y = 0; y < hh; y++) {
                    int row = plane + (y + ph) * w2;
                    java.util.Arrays.fill(d, row, row + pw, 0f);
                    System.arraycopy(src, so + (c * hh + y) * ww, d, row + pw, ww);
                    java.util.Arrays.fill(d, row + pw + ww, row + w2, 0f);
                }
                java.util.Arrays.fill(d, plane + (ph + hh) * w2, plane + h2 * w2, 0f);
            }
            return d;
        }

        float[] cols(int need) {
            if (dcols.length < need) {
                dcols = new float[need];
            }
            return dcols;
        }
    }

    /** B for the GEMMs: columns of one image, by position (forward, input grad) or by tap (weight grad). */
    private static final class Source implements Sgemm.PanelSource {
        boolean byTap;
        float[] img;
        int base;
        int[] tap;
        int[] pos;
        int count;
        int colBase;

        void set(boolean byTap, float[] img, int base, int[] tap, int[] pos, int count, int colBase) {
            this.byTap = byTap;
            this.img = img;
            this.base = base;
            this.tap = tap;
            this.pos = pos;
            this.count = count;
            this.colBase = colBase;
        }

        @Override
        public void pack(int p0, int kc, int j0, int nc, float[] dst) {
            if (byTap) {
                ConvColumns.packByTap(img, base, tap, pos, count, p0, kc, colBase + j0, nc, dst);
            } else {
                ConvColumns.packByPosition(img, base, tap, pos, count, p0, kc, colBase + j0, nc, dst);
            }
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);
    private static final ThreadLocal<Pass> PASS = ThreadLocal.withInitial(Pass::new);

    /** One forward/backward product spread over the pool; reused per calling thread. */
    private static final class Pass implements WorkerPool.Task {
        static final int FORWARD = 0;
        static final int WEIGHTS = 1;
        static final int INPUT = 2;
        int kind;
        Conv2d layer;
        WorkerPool pool;
        int batch;
        float[] x;
        int xo;
        float[] y;
        int yo;
        float[] dy;
        int dyo;
        float[] dx;
        int dxo;
        float[] ws;
        int wo;
        boolean relu;

        void set(int kind, Conv2d layer, WorkerPool pool, int batch, float[] x, int xo, float[] y, int yo,
                 float[] dy, int dyo, float[] dx, int dxo, float[] ws, int wo) {
            this.kind = kind;
            this.layer = layer;
            this.pool = pool;
            this.batch = batch;
            this.x = x;
            this.xo = xo;
            this.y = y;
            this.yo = yo;
            this.dy = dy;
            this.dyo = dyo;
            this.dx = dx;
            this.dxo = dxo;
            this.ws = ws;
            this.wo = wo;
            this.relu = false;
        }

        void clear() {
            layer = null;
            pool = null;
            x = y = dy = dx = ws = null;
        }

        /** Samples split over the workers when there are enough of them, else each GEMM splits its columns. */
        void dispatch() {
            if (kind != WEIGHTS && batch < pool.threads()) {
                Scratch sc = SCRATCH.get();
                for (int s = 0; s < batch; s++) {
                    sample(sc, s, pool);
                }
            } else {
                pool.run(this);
            }
        }

        private void sample(Scratch sc, int s, WorkerPool gemmPool) {
            if (kind == FORWARD) {
                layer.forwardSample(sc, s, x, xo, y, yo, relu, gemmPool);
            } else {
                layer.inputSample(sc, s, dy, dyo, dx, dxo, ws, wo, gemmPool);
            }
        }

        @Override
        public void run(int worker, int workers) {
            Scratch sc = SCRATCH.get();
            if (kind != WEIGHTS) {
                int s0 = (int) ((long) batch * worker / workers);
                int s1 = (int) ((long) batch * (worker + 1) / workers);
                for (int s = s0; s < s1; s++) {
                    sample(sc, s, null);
                }
                return;
            }
            Conv2d l = layer;
            int opg = l.opg();
            int k = l.colRows();
            if (l.directWeights()) {
                int pairs = (l.outC + 1) / 2;
                int q0 = (int) ((long) pairs * worker / workers);
                int q1 = (int) ((long) pairs * (worker + 1) / workers);
                if (q1 > q0) {
                    l.directWeightBlock(sc, batch, x, xo, dy, dyo, 2 * q0, Math.min(l.outC, 2 * q1));
                }
            } else {
                weightsByGemm(sc, worker, workers, l, opg, k);
            }
            if (l.hasBias) {
                int o0 = (int) ((long) l.outC * worker / workers);
                int o1 = (int) ((long) l.outC * (worker + 1) / workers);
                l.biasBlock(batch, dy, dyo, o0, o1);
            }
        }

        private void weightsByGemm(Scratch sc, int worker, int workers, Conv2d l, int opg, int k) {
            int nr = dev.vecprop.simd.GemmTiling.NR;
            int mr = dev.vecprop.simd.GemmTiling.MR;
            int tapPanels = (k + nr - 1) / nr;
            int rowTiles = (opg + mr - 1) / mr;
            if (tapPanels >= workers || tapPanels >= rowTiles) {
                int p0 = (int) ((long) tapPanels * worker / workers);
                int p1 = (int) ((long) tapPanels * (worker + 1) / workers);
                if (p1 > p0) {
                    l.weightBlock(sc, batch, x, xo, dy, dyo, 0, opg, p0 * nr, Math.min(k, p1 * nr));
                }
            } else {
                int t0 = (int) ((long) rowTiles * worker / workers);
                int t1 = (int) ((long) rowTiles * (worker + 1) / workers);
                if (t1 > t0) {
                    l.weightBlock(sc, batch, x, xo, dy, dyo, t0 * mr, Math.min(opg, t1 * mr), 0, k);
                }
            }
        }
    }

    /** Stride 1: col2im as vector adds of whole runs (an output row's span inside the input row). */
    private void col2imRows(float[] dcols, int co, int ld, float[] dx, int xo) {
        int r = 0;
        for (int c = 0; c < cpg(); c++) {
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++, r++) {
                    int xoff = j * dilation - pad; // input column of output column q is q + xoff
                    int q0 = Math.max(0, -xoff);
                    int q1 = Math.min(ow, w - xoff);
                    if (q1 <= q0) {
                        continue;
                    }
                    int src = co + r * ld;
                    for (int p = 0; p < oh; p++) {
                        int yy = p - pad + i * dilation;
                        if (yy < 0 || yy >= h) {
                            continue;
                        }
                        int dst = xo + (c * h + yy) * w + q0 + xoff;
                        dev.vecprop.kernel.Activations.add(dx, dst, dcols, src + p * ow + q0, dx, dst, q1 - q0);
                    }
                }
            }
        }
    }

    /**
     * Input gradient as a full correlation of the padded dy (packs OC/g*kh*kw x H*W columns per sample)
     * rather than columns + col2im (writes and scatters C/g*kh*kw x OH*OW): stride 1, and only when the
     * packed matrix is not the larger of the two.
     */
    private boolean fullCorrelation() {
        if (stride != 1) {
            return false;
        }
        if (INPUT_GRAD.equals("full")) {
            return true;
        }
        if (INPUT_GRAD.equals("cols")) {
            return false;
        }
        return (long) opg() * h * w <= (long) cpg() * oh * ow;
    }

    /** {@code -Dvecprop.convInputGrad=auto|full|cols} ({@link Tuning}) forces one input-gradient method (for benchmarks and tests). */
    private static final String INPUT_GRAD = Tuning.CONV_INPUT_GRAD;

    /** dx[xo..] += scatter of dcols (row stride ld): the adjoint of im2col. */
    private void col2im(float[] dcols, int co, int ld, float[] dx, int xo) {
        int n = ld;
        int r = 0;
        for (int c = 0; c < cpg(); c++) {
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++, r++) {
                    int src = co + r * n;
                    for (int p = 0; p < oh; p++) {
                        int yy = p * stride - pad + i * dilation;
                        if (yy < 0 || yy >= h) {
                            continue;
                        }
                        int dst = xo + (c * h + yy) * w;
                        int rowSrc = src + p * ow;
                        for (int q = 0; q < ow; q++) {
                            int xx = q * stride - pad + j * dilation;
                            if (xx >= 0 && xx < w) {
                                dx[dst + xx] += dcols[rowSrc + q];
                            }
                        }
                    }
                }
            }
        }
    }
}
