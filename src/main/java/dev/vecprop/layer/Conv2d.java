package dev.vecprop.layer;

import dev.vecprop.kernel.Epilogue;
import dev.vecprop.kernel.Layout;
import dev.vecprop.kernel.Sgemm;
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
 * <p>Per sample and group, im2col + the packed GEMM:
 * <pre>
 *   forward   cols (C*KH*KW, OH*OW) = im2col(x);   y (OC, OH*OW) = W (OC, C*KH*KW) . cols  (+ bias per row)
 *   backward  dW += dy . cols^T;  db += rowsum(dy);  dcols = W^T . dy;  dx = col2im(dcols)
 * </pre>
 * The column matrix is rebuilt in backward rather than cached for the whole batch (it is K times
 * the input), so the workspace holds one sample's columns and their gradient.
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
    private float[] v;
    private float[] g;
    private int wOff;
    private int bOff;
    private Param weight;
    private Param bias;

    public Conv2d(int in, int out, int kernel) {
        this(in, out, kernel, kernel, 1, 0, 1, 1, true);
    }

    public Conv2d(int in, int out, int kernel, int stride, int padding) {
        this(in, out, kernel, kernel, stride, padding, 1, 1, true);
    }

    public Conv2d(int in, int out, int kh, int kw, int stride, int padding, int dilation, int groups, boolean bias) {
        if (in < 1 || out < 1 || kh < 1 || kw < 1 || stride < 1 || padding < 0 || dilation < 1 || groups < 1
                || in % groups != 0 || out % groups != 0) {
            throw new IllegalArgumentException("Conv2d(" + in + "->" + out + ", k=" + kh + "x" + kw + ", stride="
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
        return Shape.of(outC, oh, ow);
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

    @Override
    public int workspaceSize(int batch) {
        return 2 * colRows() * oh * ow; // cols and dcols of one sample and group
    }

    @Override
    public void forward(Context ctx, int batch, float[] x, int xo, float[] y, int yo, float[] ws, int wo) {
        // x (B,C,H,W) -> y (B,OC,OH,OW)
        int n = oh * ow;
        int k = colRows();
        for (int b = 0; b < batch; b++) {
            for (int gi = 0; gi < groups; gi++) {
                im2col(x, xo + (b * inC + gi * cpg()) * h * w, ws, wo);
                int yOff = yo + (b * outC + gi * opg()) * n;
                Sgemm.sgemm(opg(), n, k, v, wOff + gi * opg() * k, k, Layout.ROW_MAJOR, ws, wo, n, Layout.ROW_MAJOR,
                        0f, y, yOff, n, Layout.ROW_MAJOR, Epilogue.NONE, ctx.pool());
            }
            if (hasBias) {
                for (int c = 0; c < outC; c++) {
                    float bc = v[bOff + c];
                    int row = yo + (b * outC + c) * n;
                    for (int j = 0; j < n; j++) {
                        y[row + j] += bc;
                    }
                }
            }
        }
    }

    @Override
    public void backward(Context ctx, int batch, float[] x, int xo, float[] y, int yo,
                         float[] dy, int dyo, float[] dx, int dxo, float[] ws, int wo) {
        // dy (B,OC,OH,OW) -> dW += dy cols^T, db += rowsum dy, dx = col2im(W^T dy)
        int n = oh * ow;
        int k = colRows();
        int dcols = wo + k * n;
        if (dx != null) {
            java.util.Arrays.fill(dx, dxo, dxo + batch * inC * h * w, 0f);
        }
        for (int b = 0; b < batch; b++) {
            for (int gi = 0; gi < groups; gi++) {
                int dyOff = dyo + (b * outC + gi * opg()) * n;
                if (ctx.paramGrads()) {
                    im2col(x, xo + (b * inC + gi * cpg()) * h * w, ws, wo);
                    Sgemm.sgemm(opg(), k, n, dy, dyOff, n, Layout.ROW_MAJOR, ws, wo, n, Layout.TRANSPOSED,
                            1f, g, wOff + gi * opg() * k, k, Layout.ROW_MAJOR, Epilogue.NONE, ctx.pool());
                }
                if (dx != null) {
                    Sgemm.sgemm(k, n, opg(), v, wOff + gi * opg() * k, k, Layout.TRANSPOSED, dy, dyOff, n,
                            Layout.ROW_MAJOR, 0f, ws, dcols, n, Layout.ROW_MAJOR, Epilogue.NONE, ctx.pool());
                    col2im(ws, dcols, dx, dxo + (b * inC + gi * cpg()) * h * w);
                }
            }
            if (hasBias && ctx.paramGrads()) {
                for (int c = 0; c < outC; c++) {
                    int row = dyo + (b * outC + c) * n;
                    float s = 0f;
                    for (int j = 0; j < n; j++) {
                        s += dy[row + j];
                    }
                    g[bOff + c] += s;
                }
            }
        }
    }

    /** cols (cpg*KH*KW, OH*OW) from one sample's group of channels at x[xo]; zeros where padded. */
    private void im2col(float[] x, int xo, float[] cols, int co) {
        int n = oh * ow;
        int r = 0;
        for (int c = 0; c < cpg(); c++) {
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++, r++) {
                    int dst = co + r * n;
                    for (int p = 0; p < oh; p++) {
                        int yy = p * stride - pad + i * dilation;
                        int rowDst = dst + p * ow;
                        if (yy < 0 || yy >= h) {
                            java.util.Arrays.fill(cols, rowDst, rowDst + ow, 0f);
                            continue;
                        }
                        int src = xo + (c * h + yy) * w;
                        for (int q = 0; q < ow; q++) {
                            int xx = q * stride - pad + j * dilation;
                            cols[rowDst + q] = xx >= 0 && xx < w ? x[src + xx] : 0f;
                        }
                    }
                }
            }
        }
    }

    /** dx[xo..] += scatter of dcols (the adjoint of im2col). */
    private void col2im(float[] dcols, int co, float[] dx, int xo) {
        int n = oh * ow;
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
