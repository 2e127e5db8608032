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
 * <p>Per chunk of samples and per group, im2col + one packed GEMM over all the chunk's positions:
 * <pre>
 *   forward   cols (C*KH*KW, S*OH*OW) = im2col(x);  y' (OC, S*OH*OW) = W (OC, C*KH*KW) . cols;  y = y' + bias
 *   backward  dy' = dy;  dW += dy' . cols^T;  db += rowsum(dy');  dcols = W^T . dy';  dx = col2im(dcols)
 * </pre>
 * Chunks hold as many samples as keep the column matrix near 8 MiB; the columns are rebuilt in
 * backward rather than cached for the whole batch (they are KH*KW times the input).
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

    /** Samples per im2col chunk: as many as keep the column matrix near 2^21 floats (8 MiB). */
    private int chunk(int batch) {
        long per = (long) colRows() * oh * ow;
        return (int) Math.max(1, Math.min(batch, (1L << 21) / Math.max(1, per)));
    }

    @Override
    public int workspaceSize(int batch) {
        // per chunk of S samples and one group: cols and dcols (K, S*N), and y/dy staged as (OC/g, S*N)
        int s = chunk(batch);
        long n = (long) s * oh * ow;
        return Math.toIntExact(2 * colRows() * n + opg() * n);
    }

    @Override
    public void forward(Context ctx, int batch, float[] x, int xo, float[] y, int yo, float[] ws, int wo) {
        // x (B,C,H,W) -> cols (K, S*OH*OW) per chunk of S samples -> W . cols (OC/g, S*OH*OW) -> y (B,OC,OH,OW)
        int n = oh * ow;
        int k = colRows();
        int cs = chunk(batch);
        for (int b0 = 0; b0 < batch; b0 += cs) {
            int sN = Math.min(cs, batch - b0);
            int cols = wo;
            int stage = wo + 2 * k * cs * n;
            int ld = sN * n;
            for (int gi = 0; gi < groups; gi++) {
                for (int s = 0; s < sN; s++) {
                    im2col(x, xo + ((b0 + s) * inC + gi * cpg()) * h * w, ws, cols + s * n, ld);
                }
                Sgemm.sgemm(opg(), ld, k, v, wOff + gi * opg() * k, k, Layout.ROW_MAJOR, ws, cols, ld,
                        Layout.ROW_MAJOR, 0f, ws, stage, ld, Layout.ROW_MAJOR, Epilogue.NONE, ctx.pool());
                for (int s = 0; s < sN; s++) {
                    for (int oc = 0; oc < opg(); oc++) {
                        int c = gi * opg() + oc;
                        float bc = hasBias ? v[bOff + c] : 0f;
                        int dst = yo + ((b0 + s) * outC + c) * n;
                        int src = stage + oc * ld + s * n;
                        for (int j = 0; j < n; j++) {
                            y[dst + j] = ws[src + j] + bc;
                        }
                    }
                }
            }
        }
    }

    @Override
    public void backward(Context ctx, int batch, float[] x, int xo, float[] y, int yo,
                         float[] dy, int dyo, float[] dx, int dxo, float[] ws, int wo) {
        // per chunk: dY' (OC/g, S*N) <- dy; dW += dY' . cols^T; db += rowsum; dcols = W^T . dY'; dx = col2im(dcols)
        int n = oh * ow;
        int k = colRows();
        int cs = chunk(batch);
        if (dx != null) {
            java.util.Arrays.fill(dx, dxo, dxo + batch * inC * h * w, 0f);
        }
        for (int b0 = 0; b0 < batch; b0 += cs) {
            int sN = Math.min(cs, batch - b0);
            int cols = wo;
            int dcols = wo + k * cs * n;
            int stage = wo + 2 * k * cs * n;
            int ld = sN * n;
            for (int gi = 0; gi < groups; gi++) {
                for (int s = 0; s < sN; s++) {
                    for (int oc = 0; oc < opg(); oc++) {
                        System.arraycopy(dy, dyo + ((b0 + s) * outC + gi * opg() + oc) * n, ws, stage + oc * ld + s * n, n);
                    }
                }
                if (ctx.paramGrads()) {
                    for (int s = 0; s < sN; s++) {
                        im2col(x, xo + ((b0 + s) * inC + gi * cpg()) * h * w, ws, cols + s * n, ld);
                    }
                    Sgemm.sgemm(opg(), k, ld, ws, stage, ld, Layout.ROW_MAJOR, ws, cols, ld, Layout.TRANSPOSED,
                            1f, g, wOff + gi * opg() * k, k, Layout.ROW_MAJOR, Epilogue.NONE, ctx.pool());
                    if (hasBias) {
                        for (int oc = 0; oc < opg(); oc++) {
                            float sum = 0f;
                            int row = stage + oc * ld;
                            for (int j = 0; j < ld; j++) {
                                sum += ws[row + j];
                            }
                            g[bOff + gi * opg() + oc] += sum;
                        }
                    }
                }
                if (dx != null) {
                    Sgemm.sgemm(k, ld, opg(), v, wOff + gi * opg() * k, k, Layout.TRANSPOSED, ws, stage, ld,
                            Layout.ROW_MAJOR, 0f, ws, dcols, ld, Layout.ROW_MAJOR, Epilogue.NONE, ctx.pool());
                    for (int s = 0; s < sN; s++) {
                        col2im(ws, dcols + s * n, ld, dx, dxo + ((b0 + s) * inC + gi * cpg()) * h * w);
                    }
                }
            }
        }
    }

    /** cols rows (cpg*KH*KW) of OH*OW values, row stride ld, from one sample's group at x[xo]; zeros where padded. */
    private void im2col(float[] x, int xo, float[] cols, int co, int ld) {
        int n = ld;
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
