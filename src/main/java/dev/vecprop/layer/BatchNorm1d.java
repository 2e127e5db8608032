package dev.vecprop.layer;

import dev.vecprop.tensor.Param;
import dev.vecprop.tensor.ParamSpec;
import dev.vecprop.tensor.ParameterStore;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Batch normalisation over the batch for each of F features, as PyTorch's {@code BatchNorm1d}:
 * training uses the batch mean and biased variance and updates
 * {@code running = (1 - momentum) running + momentum * batch} (unbiased variance);
 * eval uses the running statistics. Tensors: {@code weight, bias [F]}; buffers
 * {@code running_mean, running_var [F]}, {@code num_batches_tracked []}.
 * Statistics are summed in double, in batch order (deterministic).
 */
public final class BatchNorm1d extends AbstractLayer {
    private final int features;
    private final float eps;
    private final float momentum;

    private float[] v;
    private float[] g;
    private float[] buf;
    private int gammaOff;
    private int betaOff;
    private int meanOff;
    private int varOff;
    private int countOff;

    public BatchNorm1d(int features) {
        this(features, 1e-5f, 0.1f);
    }

    public BatchNorm1d(int features, float eps, float momentum) {
        if (features <= 0 || !(eps > 0) || !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("BatchNorm1d(" + features + ", eps=" + eps + ", momentum="
                    + momentum + "): need features > 0, eps > 0, momentum in [0,1]");
        }
        this.features = features;
        this.eps = eps;
        this.momentum = momentum;
    }

    @Override
    public String describe() {
        return "BatchNorm1d(" + features + ")";
    }

    @Override
    protected Shape computeOutputShape(Shape input) {
        if (input.rank() != 1 || input.dim(0) != features) {
            throw new ShapeException(describe() + " expects input (" + features + "), got " + input);
        }
        return input;
    }

    @Override
    public List<ParamSpec> paramSpecs() {
        return List.of(ParamSpec.plain("weight", features), ParamSpec.plain("bias", features),
                ParamSpec.buffer("running_mean", features), ParamSpec.buffer("running_var", features),
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
        Param count = store.get(prefix + "num_batches_tracked");
        countOff = count.offset();
    }

    @Override
    public void initialize(SplittableRandom rnd) {
        for (int j = 0; j < features; j++) {
            v[gammaOff + j] = 1f;
            v[betaOff + j] = 0f;
            buf[meanOff + j] = 0f;
            buf[varOff + j] = 1f;
        }
        buf[countOff] = 0f;
    }

    @Override
    public int workspaceSize(int batch) {
        return batch * features + features; // xhat (B,F), invstd (F)
    }

    @Override
    public void forward(Context ctx, int batch, float[] x, int xo, float[] y, int yo, float[] ws, int wo) {
        // x (B,F) -> y (B,F); ws: xhat (B,F), invstd (F)
        int f = features;
        int inv = wo + batch * f;
        if (ctx.training()) {
            if (batch < 2) {
                throw new ShapeException(describe() + ": training needs more than 1 sample per batch, got " + batch);
            }
            for (int j = 0; j < f; j++) {
                double s = 0;
                for (int b = 0; b < batch; b++) {
                    s += x[xo + b * f + j];
                }
                double mean = s / batch;
                double ss = 0;
                for (int b = 0; b < batch; b++) {
                    double d = x[xo + b * f + j] - mean;
                    ss += d * d;
                }
                double var = ss / batch;
                float invstd = (float) (1.0 / Math.sqrt(var + eps));
                ws[inv + j] = invstd;
                float m = (float) mean;
                for (int b = 0; b < batch; b++) {
                    float xh = (x[xo + b * f + j] - m) * invstd;
                    ws[wo + b * f + j] = xh;
                    y[yo + b * f + j] = v[gammaOff + j] * xh + v[betaOff + j];
                }
                buf[meanOff + j] = (1f - momentum) * buf[meanOff + j] + momentum * m;
                buf[varOff + j] = (1f - momentum) * buf[varOff + j]
                        + momentum * (float) (ss / (batch - 1));
            }
            buf[countOff] += 1f;
        } else {
            for (int j = 0; j < f; j++) {
                float invstd = (float) (1.0 / Math.sqrt(buf[varOff + j] + (double) eps));
                ws[inv + j] = invstd;
                float m = buf[meanOff + j];
                for (int b = 0; b < batch; b++) {
                    float xh = (x[xo + b * f + j] - m) * invstd;
                    ws[wo + b * f + j] = xh;
                    y[yo + b * f + j] = v[gammaOff + j] * xh + v[betaOff + j];
                }
            }
        }
    }

    @Override
    public void backward(Context ctx, int batch, float[] x, int xo, float[] y, int yo,
                         float[] dy, int dyo, float[] dx, int dxo, float[] ws, int wo) {
        // dy (B,F), xhat, invstd -> dgamma += sum dy*xhat, dbeta += sum dy,
        // training: dx = gamma*invstd/B * (B dy - sum dy - xhat sum(dy xhat)); eval: dx = gamma*invstd*dy
        int f = features;
        int inv = wo + batch * f;
        for (int j = 0; j < f; j++) {
            double sdy = 0;
            double sdyx = 0;
            for (int b = 0; b < batch; b++) {
                float d = dy[dyo + b * f + j];
                sdy += d;
                sdyx += (double) d * ws[wo + b * f + j];
            }
            if (ctx.paramGrads()) {
                g[gammaOff + j] += (float) sdyx;
                g[betaOff + j] += (float) sdy;
            }
            if (dx == null) {
                continue;
            }
            float k = v[gammaOff + j] * ws[inv + j];
            if (ctx.training()) {
                float mdy = (float) (sdy / batch);
                float mdyx = (float) (sdyx / batch);
                for (int b = 0; b < batch; b++) {
                    int e = b * f + j;
                    dx[dxo + e] = k * (dy[dyo + e] - mdy - ws[wo + e] * mdyx);
                }
            } else {
                for (int b = 0; b < batch; b++) {
                    int e = b * f + j;
                    dx[dxo + e] = k * dy[dyo + e];
                }
            }
        }
    }
}
