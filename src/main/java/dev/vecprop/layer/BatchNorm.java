package dev.vecprop.layer;

import dev.vecprop.tensor.ParamSpec;
import dev.vecprop.tensor.ParameterStore;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Batch normalisation per channel, shared by {@link BatchNorm1d} ({@code (B, C)}, one value per
 * channel and sample) and {@link BatchNorm2d} ({@code (B, C, H, W)}): statistics over the batch and
 * the spatial positions in training (biased variance to normalise; running statistics updated with
 * momentum and the unbiased variance, as PyTorch), the running statistics in eval. Tensors
 * {@code weight, bias [C]}; buffers {@code running_mean, running_var [C]}, {@code num_batches_tracked []}.
 * Sums in double, in a fixed order (deterministic).
 */
public abstract class BatchNorm extends AbstractLayer {
    final int channels;
    private final float eps;
    private final float momentum;
    /** Positions per channel and sample (1 for BatchNorm1d). */
    int hw = 1;
    private float[] v;
    private float[] g;
    private float[] buf;
    private int gammaOff;
    private int betaOff;
    private int meanOff;
    private int varOff;
    private int countOff;

    BatchNorm(int channels, float eps, float momentum) {
        if (channels <= 0 || !(eps > 0) || !(momentum >= 0 && momentum <= 1)) {
            throw new dev.vecprop.ConfigException(getClass().getSimpleName() + "(" + channels + ", eps=" + eps
                    + ", momentum=" + momentum + "): need channels > 0, eps > 0, momentum in [0,1]");
        }
        this.channels = channels;
        this.eps = eps;
        this.momentum = momentum;
    }

    /** {@return the epsilon added to the variance before the square root (1e-5 by default)} */
    public final float eps() {
        return eps;
    }

    /**
     * {@return the running statistics' momentum in [0, 1] (0.1 by default): each training batch sets
     * {@code running = (1 - momentum) * running + momentum * batchStatistic}}
     */
    public final float momentum() {
        return momentum;
    }

    @Override
    public List<ParamSpec> paramSpecs() {
        return List.of(ParamSpec.plain("weight", channels), ParamSpec.plain("bias", channels),
                ParamSpec.buffer("running_mean", channels), ParamSpec.buffer("running_var", channels),
                ParamSpec.buffer("num_batches_tracked"));
    }

    @Override
    public void bind(String prefix, ParameterStore store) {
        v = store.values();
        g = store.grads();
        buf = store.buffers();
        gammaOff = store.get(prefix + "weight").offset();
        betaOff = store.get(prefix + "bias").offset();
        meanOff = store.get(prefix + "running_mean").offset();
        varOff = store.get(prefix + "running_var").offset();
        countOff = store.get(prefix + "num_batches_tracked").offset();
    }

    @Override
    public void initialize(SplittableRandom rnd) {
        for (int c = 0; c < channels; c++) {
            v[gammaOff + c] = 1f;
            v[betaOff + c] = 0f;
            buf[meanOff + c] = 0f;
            buf[varOff + c] = 1f;
        }
        buf[countOff] = 0f;
    }

    @Override
    public int workspaceSize(int batch) {
        return batch * channels * hw + channels; // xhat, invstd
    }

    @Override
    public void forward(Context ctx, int batch, float[] x, int xo, float[] y, int yo, float[] ws, int wo) {
        // x (B,C[,H,W]) -> y, same shape
        int inv = wo + batch * channels * hw;
        long n = (long) batch * hw;
        if (ctx.training() && n < 2) {
            throw new ShapeException(describe() + ": training needs more than 1 value per channel, got " + n
                    + (hw == 1 ? " (batch " + batch + ")" : ""));
        }
        for (int c = 0; c < channels; c++) {
            float m;
            float invstd;
            if (ctx.training()) {
                double s = 0;
                for (int b = 0; b < batch; b++) {
                    int base = xo + (b * channels + c) * hw;
                    for (int i = 0; i < hw; i++) {
                        s += x[base + i];
                    }
                }
                double mean = s / n;
                double ss = 0;
                for (int b = 0; b < batch; b++) {
                    int base = xo + (b * channels + c) * hw;
                    for (int i = 0; i < hw; i++) {
                        double d = x[base + i] - mean;
                        ss += d * d;
                    }
                }
                m = (float) mean;
                invstd = (float) (1.0 / Math.sqrt(ss / n + eps));
                buf[meanOff + c] = (1f - momentum) * buf[meanOff + c] + momentum * m;
                buf[varOff + c] = (1f - momentum) * buf[varOff + c] + momentum * (float) (ss / (n - 1));
            } else {
                m = buf[meanOff + c];
                invstd = (float) (1.0 / Math.sqrt(buf[varOff + c] + (double) eps));
            }
            ws[inv + c] = invstd;
            float gm = v[gammaOff + c];
            float bt = v[betaOff + c];
            for (int b = 0; b < batch; b++) {
                int e = (b * channels + c) * hw;
                for (int i = 0; i < hw; i++) {
                    float xh = (x[xo + e + i] - m) * invstd;
                    ws[wo + e + i] = xh;
                    y[yo + e + i] = gm * xh + bt;
                }
            }
        }
        if (ctx.training()) {
            buf[countOff] += 1f;
        }
    }

    @Override
    public void backward(Context ctx, int batch, float[] x, int xo, float[] y, int yo,
                         float[] dy, int dyo, float[] dx, int dxo, float[] ws, int wo) {
        // dy -> dgamma += sum dy*xhat, dbeta += sum dy; dx as BatchNorm1d per channel over (B,H,W)
        int inv = wo + batch * channels * hw;
        long n = (long) batch * hw;
        for (int c = 0; c < channels; c++) {
            double sdy = 0;
            double sdyx = 0;
            for (int b = 0; b < batch; b++) {
                int e = (b * channels + c) * hw;
                for (int i = 0; i < hw; i++) {
                    float d = dy[dyo + e + i];
                    sdy += d;
                    sdyx += (double) d * ws[wo + e + i];
                }
            }
            if (ctx.paramGrads()) {
                g[gammaOff + c] += (float) sdyx;
                g[betaOff + c] += (float) sdy;
            }
            if (dx == null) {
                continue;
            }
            float k = v[gammaOff + c] * ws[inv + c];
            float mdy = ctx.training() ? (float) (sdy / n) : 0f;
            float mdyx = ctx.training() ? (float) (sdyx / n) : 0f;
            for (int b = 0; b < batch; b++) {
                int e = (b * channels + c) * hw;
                for (int i = 0; i < hw; i++) {
                    dx[dxo + e + i] = k * (dy[dyo + e + i] - mdy - ws[wo + e + i] * mdyx);
                }
            }
        }
    }
}
