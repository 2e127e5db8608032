package dev.vecprop.layer;

import dev.vecprop.kernel.Activations;
import dev.vecprop.tensor.Param;
import dev.vecprop.tensor.ParamSpec;
import dev.vecprop.tensor.ParameterStore;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A lookup table of token vectors, as PyTorch's {@code nn.Embedding(vocab, dim)}: the tensor
 * {@code weight [vocab, dim]}; a sample of T token ids {@code (T)} becomes the sequence of their rows
 * {@code (T, dim)}. Ids travel in the model's {@code float} input as whole numbers (exact up to
 * 2^24); an id that is not a whole number in {@code 0..vocab-1} is an {@link InvalidInputException}
 * naming the layer, the sample and the step. The backward adds each output gradient row to its
 * token's weight row, samples and steps in order (so repeated tokens sum deterministically); the
 * ids have no gradient: dL/dx, when asked for, is zero.
 */
public final class Embedding extends AbstractLayer {
    private final int vocab;
    private final int dim;
    private Param weight;
    private float[] w;
    private float[] gw;
    private int wOff;

    /**
     * Creates an embedding table.
     *
     * @param vocab the number of tokens (ids 0 .. vocab-1), at most 2^24
     * @param dim   the features of a token vector
     * @throws dev.vecprop.ConfigException if a size is not positive or the vocabulary exceeds 2^24
     */
    public Embedding(int vocab, int dim) {
        if (vocab <= 0 || dim <= 0 || vocab > 1 << 24) {
            throw new dev.vecprop.ConfigException("Embedding(" + vocab + ", " + dim
                    + "): sizes must be positive and the vocabulary at most 2^24");
        }
        this.vocab = vocab;
        this.dim = dim;
    }

    /** {@return the number of tokens} */
    public int vocab() {
        return vocab;
    }

    /** {@return the features of a token vector} */
    public int dim() {
        return dim;
    }

    /** {@return the {@code weight [vocab, dim]} tensor, or null before the layer is part of a model} */
    public Param weight() {
        return weight;
    }

    @Override
    public String describe() {
        return "Embedding(" + vocab + ", " + dim + ")";
    }

    @Override
    public LayerConfig config() {
        return LayerConfig.of("Embedding", "vocab", vocab, "dim", dim);
    }

    @Override
    protected Shape computeOutputShape(Shape input) {
        if (input.rank() != 1) {
            throw new ShapeException(describe() + " expects a sequence of token ids (T), got " + input);
        }
        return Shape.of(input.dim(0), dim);
    }

    @Override
    public List<ParamSpec> paramSpecs() {
        return List.of(ParamSpec.plain("weight", vocab, dim));
    }

    @Override
    public void bind(String prefix, ParameterStore store) {
        weight = store.get(prefix + "weight");
        w = store.values();
        gw = store.grads();
        wOff = weight.offset();
    }

    /** PyTorch's default: N(0, 1). */
    @Override
    public void initialize(SplittableRandom rnd) {
        for (int i = 0; i < vocab * dim; i++) {
            weight.set(i, (float) gaussian(rnd));
        }
    }

    private static double gaussian(SplittableRandom rnd) {
        double u1 = rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    private int id(float[] x, int i, int xo, int steps) {
        float v = x[i];
        int id = (int) v;
        if (id != v || id < 0 || id >= vocab) {
            int k = i - xo;
            throw new InvalidInputException(describe() + ": token id " + v + " at sample " + k / steps + ", step "
                    + k % steps + " is not a whole number in 0.." + (vocab - 1));
        }
        return id;
    }

    /** {@code x (B, T) ids -> y (B, T, dim)}: row copies. */
    @Override
    public void forward(Context ctx, int batch, float[] x, int xo, float[] y, int yo, float[] ws, int wo) {
        int n = batch * inSize();
        int steps = inSize();
        for (int i = 0; i < n; i++) {
            System.arraycopy(w, wOff + id(x, xo + i, xo, steps) * dim, y, yo + i * dim, dim);
        }
    }

    /** {@code dW[x[i]] += dy[i]} for every position, in order; dL/dx = 0. */
    @Override
    public void backward(Context ctx, int batch, float[] x, int xo, float[] y, int yo,
                         float[] dy, int dyo, float[] dx, int dxo, float[] ws, int wo) {
        int n = batch * inSize();
        if (ctx.paramGrads()) {
            int steps = inSize();
            for (int i = 0; i < n; i++) {
                int r = wOff + id(x, xo + i, xo, steps) * dim;
                Activations.add(gw, r, dy, dyo + i * dim, gw, r, dim);
            }
        }
        if (dx != null) {
            Arrays.fill(dx, dxo, dxo + n, 0f);
        }
    }
}
