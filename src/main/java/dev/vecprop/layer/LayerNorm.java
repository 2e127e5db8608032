package dev.vecprop.layer;

import dev.vecprop.kernel.LayerNormRows;
import dev.vecprop.tensor.ParamSpec;
import dev.vecprop.tensor.ParameterStore;

import java.util.List;
import java.util.SplittableRandom;

/**
 * PyTorch's {@code nn.LayerNorm(features, eps)}: each vector of the last dimension is normalised to
 * mean 0 and (biased) variance 1, then scaled and shifted elementwise, {@code y = (x - mean) / sqrt(var + eps)
 * * weight + bias}. Input {@code (..., features)}, e.g. a sequence {@code (T, features)}; output of the same
 * shape. Tensors {@code weight, bias [features]} (initially 1 and 0). The same in training and eval.
 * Kernels: {@link LayerNormRows}; rows are split over the pool's workers, the parameter gradients sum
 * the rows in order (bit-identical for any thread count).
 */
public final class LayerNorm extends AbstractLayer {
    private static final int FORWARD = 0;
    private static final int BACKWARD = 1;
    /** Rows per work unit of a pass split over threads. */
    private static final int GRAIN = 32;

    private final int features;
    private final float eps;
    private float[] v;
    private float[] g;
    private int wOff;
    private int bOff;

    /**
     * Creates a layer norm over the last dimension with PyTorch's eps, 1e-5.
     *
     * @param features the size of the last dimension
     * @throws dev.vecprop.ConfigException if {@code features} is not positive
     */
    public LayerNorm(int features) {
        this(features, 1e-5f);
    }

    /**
     * Creates a layer norm over the last dimension.
     *
     * @param features the size of the last dimension
     * @param eps      added to the variance before the square root, positive
     * @throws dev.vecprop.ConfigException if {@code features} or {@code eps} is not positive
     */
    public LayerNorm(int features, float eps) {
        if (features <= 0 || !(eps > 0) || !Float.isFinite(eps)) {
            throw new dev.vecprop.ConfigException("LayerNorm(" + features + ", eps=" + eps
                    + "): need features > 0 and a finite eps > 0");
        }
        this.features = features;
        this.eps = eps;
    }

    /** {@return the size of the normalised (last) dimension} */
    public int features() {
        return features;
    }

    /** {@return the epsilon added to the variance} */
    public float eps() {
        return eps;
    }

    @Override
    public LayerConfig config() {
        return LayerConfig.of("LayerNorm", "features", features, "eps", (double) eps);
    }

    @Override
    public String describe() {
        return "LayerNorm(" + features + ")";
    }

    @Override
    protected Shape computeOutputShape(Shape input) {
        if (input.dim(input.rank() - 1) != features) {
            throw new ShapeException(describe() + " expects input (..., " + features + "), got " + input);
        }
        return input;
    }

    @Override
    public List<ParamSpec> paramSpecs() {
        return List.of(ParamSpec.plain("weight", features), ParamSpec.plain("bias", features));
    }

    @Override
    public void bind(String prefix, ParameterStore store) {
        v = store.values();
        g = store.grads();
        wOff = store.get(prefix + "weight").offset();
        bOff = store.get(prefix + "bias").offset();
    }

    @Override
    public void initialize(SplittableRandom rnd) {
        java.util.Arrays.fill(v, wOff, wOff + features, 1f);
        java.util.Arrays.fill(v, bOff, bOff + features, 0f);
    }

    private int rows(int batch) {
        return batch * (inSize() / features);
    }

    /** Two floats per row: its mean and 1/std. */
    @Override
    public int workspaceSize(int batch) {
        return 2 * rows(batch);
    }

    @Override
    public void forward(Context ctx, int batch, float[] x, int xo, float[] y, int yo, float[] ws, int wo) {
        // x (B,...,F) -> y (B,...,F); ws: (mean, 1/std) per row
        int rows = rows(batch);
        ParallelPass.get(body, FORWARD, batch).in(x, xo).out(y, yo).ws(ws, wo)
                .run(ctx.pool(), rows, GRAIN, rows >= 2 * GRAIN);
    }

    @Override
    public void backward(Context ctx, int batch, float[] x, int xo, float[] y, int yo,
                         float[] dy, int dyo, float[] dx, int dxo, float[] ws, int wo) {
        // dy (B,...,F) -> dx (B,...,F); dweight += sum dy*xhat, dbias += sum dy over all rows, in order
        int rows = rows(batch);
        if (ctx.paramGrads()) {
            LayerNormRows.paramGrads(x, xo, dy, dyo, rows, features, ws, wo, g, wOff, g, bOff);
        }
        if (dx != null) {
            ParallelPass.get(body, BACKWARD, batch).in(x, xo).grad(dy, dyo).inputGrad(dx, dxo).ws(ws, wo)
                    .run(ctx.pool(), rows, GRAIN, rows >= 2 * GRAIN);
        }
    }

    private final ParallelPass.Body body = this::range;

    private void range(ParallelPass p, int from, int to) {
        int n = to - from;
        int off = from * features;
        if (p.kind == FORWARD) {
            LayerNormRows.forward(p.x, p.xo + off, n, features, v, wOff, v, bOff, eps, p.y, p.yo + off, p.ws, p.wo + 2 * from);
        } else {
            LayerNormRows.backward(p.x, p.xo + off, p.dy, p.dyo + off, n, features, v, wOff, p.ws, p.wo + 2 * from,
                    p.dx, p.dxo + off);
        }
    }
}
