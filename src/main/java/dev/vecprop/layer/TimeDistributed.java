package dev.vecprop.layer;

import dev.vecprop.tensor.ParamSpec;
import dev.vecprop.tensor.ParameterStore;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Applies a per-step layer to every time step of a sequence: {@code (T, D) -> (T, D')}, the inner
 * layer built on {@code (D)} and run on the {@code B·T} rows at once — what PyTorch's
 * {@code nn.Linear} does to a {@code (B, T, D)} tensor. The inner layer's tensors keep their own
 * names at this layer's position ({@code 2.weight}, {@code 2.bias}), so a checkpoint loads into the
 * PyTorch module that applies {@code nn.Linear} to the sequence. The inner layer must treat its rows
 * independently (Linear, activations; not batch norm in training).
 */
public final class TimeDistributed extends AbstractLayer {
    private final Layer inner;
    private int steps;

    /**
     * Wraps a per-step layer.
     *
     * @param inner the layer to apply at each step, fresh and used nowhere else
     * @throws dev.vecprop.ConfigException if {@code inner} is null
     */
    public TimeDistributed(Layer inner) {
        if (inner == null) {
            throw new dev.vecprop.ConfigException("TimeDistributed needs a layer");
        }
        this.inner = inner;
    }

    /** {@return the per-step layer} */
    public Layer inner() {
        return inner;
    }

    @Override
    public String describe() {
        return "TimeDistributed(" + inner.describe() + ")";
    }

    @Override
    public LayerConfig config() {
        LayerConfig c = inner.config();
        return c == null ? null : LayerConfig.of("TimeDistributed").withChildren(List.of(c));
    }

    @Override
    protected Shape computeOutputShape(Shape input) {
        if (input.rank() < 2) {
            throw new ShapeException(describe() + " expects sequences (T, ...), got " + input);
        }
        int[] d = input.dims();
        steps = d[0];
        Shape out = inner.build(Shape.of(java.util.Arrays.copyOfRange(d, 1, d.length)));
        int[] o = out.dims();
        int[] r = new int[o.length + 1];
        r[0] = steps;
        System.arraycopy(o, 0, r, 1, o.length);
        return Shape.of(r);
    }

    @Override
    public List<ParamSpec> paramSpecs() {
        return inner.paramSpecs();
    }

    @Override
    public void bind(String prefix, ParameterStore store) {
        inner.bind(prefix, store);
    }

    @Override
    public void initialize(SplittableRandom rnd) {
        inner.initialize(rnd);
    }

    @Override
    public void assignId(int id) {
        inner.assignId(id);
    }

    @Override
    public int workspaceSize(int batch) {
        return inner.workspaceSize(Math.multiplyExact(batch, steps));
    }

    @Override
    public long forwardMacs() {
        return inner.forwardMacs() * steps;
    }

    @Override
    public void forward(Context ctx, int batch, float[] x, int xo, float[] y, int yo, float[] ws, int wo) {
        inner.forward(ctx, batch * steps, x, xo, y, yo, ws, wo);
    }

    @Override
    public void backward(Context ctx, int batch, float[] x, int xo, float[] y, int yo,
                         float[] dy, int dyo, float[] dx, int dxo, float[] ws, int wo) {
        inner.backward(ctx, batch * steps, x, xo, y, yo, dy, dyo, dx, dxo, ws, wo);
    }
}
