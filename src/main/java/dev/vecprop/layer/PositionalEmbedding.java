package dev.vecprop.layer;

import dev.vecprop.kernel.Activations;
import dev.vecprop.tensor.ParamSpec;
import dev.vecprop.tensor.ParameterStore;

import java.util.List;
import java.util.SplittableRandom;

/**
 * A learned positional embedding added to a sequence: {@code y(t, :) = x(t, :) + weight(t, :)} for
 * an input {@code (T, features)} with {@code T <= maxLength}. Tensor {@code weight [maxLength, features]}
 * (PyTorch's {@code nn.Embedding} layout, row t = position t), initially zero as in the sequence anchor
 * ({@code nn.Parameter(torch.zeros(1, T, d))}). Backward: {@code dx = dy},
 * {@code dweight(t, :) += sum_b dy(b, t, :)} (samples in order).
 */
public final class PositionalEmbedding extends AbstractLayer {
    private final int maxLength;
    private final int features;
    private float[] v;
    private float[] g;
    private int wOff;

    /**
     * Creates a positional table.
     *
     * @param maxLength the longest sequence the table covers (its rows)
     * @param features  the features per time step
     * @throws dev.vecprop.ConfigException if a size is not positive
     */
    public PositionalEmbedding(int maxLength, int features) {
        if (maxLength <= 0 || features <= 0) {
            throw new dev.vecprop.ConfigException("PositionalEmbedding(" + maxLength + " x " + features
                    + "): sizes must be positive");
        }
        this.maxLength = maxLength;
        this.features = features;
    }

    /** {@return the longest sequence the table covers} */
    public int maxLength() {
        return maxLength;
    }

    /** {@return the features per time step} */
    public int features() {
        return features;
    }

    @Override
    public LayerConfig config() {
        return LayerConfig.of("PositionalEmbedding", "max_length", maxLength, "features", features);
    }

    @Override
    public String describe() {
        return "PositionalEmbedding(" + maxLength + " x " + features + ")";
    }

    @Override
    protected Shape computeOutputShape(Shape input) {
        if (input.rank() != 2 || input.dim(1) != features) {
            throw new ShapeException(describe() + " expects a sequence (T, " + features + "), got " + input);
        }
        if (input.dim(0) > maxLength) {
            throw new ShapeException(describe() + ": a sequence of " + input.dim(0)
                    + " steps is longer than the table's " + maxLength + " positions");
        }
        return input;
    }

    @Override
    public List<ParamSpec> paramSpecs() {
        return List.of(ParamSpec.plain("weight", maxLength, features));
    }

    @Override
    public void bind(String prefix, ParameterStore store) {
        v = store.values();
        g = store.grads();
        wOff = store.get(prefix + "weight").offset();
    }

    @Override
    public void initialize(SplittableRandom rnd) {
        java.util.Arrays.fill(v, wOff, wOff + maxLength * features, 0f);
    }

    @Override
    public void forward(Context ctx, int batch, float[] x, int xo, float[] y, int yo, float[] ws, int wo) {
        // x (B,T,F) -> y = x + weight[:T]
        int n = inSize();
        for (int b = 0; b < batch; b++) {
            Activations.add(x, xo + b * n, v, wOff, y, yo + b * n, n);
        }
    }

    @Override
    public void backward(Context ctx, int batch, float[] x, int xo, float[] y, int yo,
                         float[] dy, int dyo, float[] dx, int dxo, float[] ws, int wo) {
        // dy (B,T,F) -> dx = dy; dweight[:T] += sum_b dy[b]
        int n = inSize();
        if (ctx.paramGrads()) {
            Activations.columnSumsAccumulate(dy, dyo, batch, n, g, wOff);
        }
        if (dx != null && (dx != dy || dxo != dyo)) {
            System.arraycopy(dy, dyo, dx, dxo, batch * n);
        }
    }
}
