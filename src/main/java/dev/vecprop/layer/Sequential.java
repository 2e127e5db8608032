package dev.vecprop.layer;

import dev.vecprop.tensor.ParamSpec;
import dev.vecprop.tensor.ParameterStore;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A model: layers applied in order, built and shape-checked at construction, with all tensors in
 * one {@link ParameterStore} named like PyTorch's {@code nn.Sequential} state_dict
 * ({@code 0.weight}, {@code 0.bias}, {@code 2.weight}...).
 *
 * <p>The chain rule, whole:
 * <pre>
 *   forward:  act_0 = L_0(x); act_i = L_i(act_{i-1})          (Chain.forward)
 *   backward: grad_{i-1} = L_i'(grad_i), i = n-1 .. 0          (Chain.backward)
 * </pre>
 * The parameters are shared; activations live in a {@link Workspace} per thread.
 */
public final class Sequential {
    private final Chain chain;
    private final ParameterStore store;

    public Sequential(Shape input, Layer... layers) {
        this(input, List.of(layers));
    }

    /** Builds the layers on {@code input}; throws {@link ShapeException} naming the layers that do not fit. */
    public Sequential(Shape input, List<Layer> layers) {
        this.chain = new Chain(input, layers, "");
        chain.profiled(true);
        Map<String, ParamSpec> specs = chain.specs("");
        this.store = new ParameterStore(specs);
        chain.bind("", store);
        chain.assignIds(0);
        initialize(0L);
    }

    /** Resets every layer's parameters to PyTorch's default initialisation from {@code seed}. */
    public void initialize(long seed) {
        chain.initialize(new SplittableRandom(seed));
        store.zeroGrads();
    }

    public ParameterStore params() {
        return store;
    }

    public Shape inputShape() {
        return chain.inputShape();
    }

    public Shape outputShape() {
        return chain.outputShape();
    }

    public List<Layer> layers() {
        return chain.layers();
    }

    /** A workspace for batches of up to {@code maxBatch} samples. */
    public Workspace workspace(int maxBatch) {
        if (maxBatch < 1) {
            throw new ShapeException("workspace: maxBatch must be >= 1, got " + maxBatch);
        }
        long perSample = (long) chain.workspaceSize(1) + outputShape().size();
        if ((long) maxBatch * perSample > Integer.MAX_VALUE - 64) {
            throw new ShapeException("workspace: a batch of " + maxBatch + " needs about " + (long) maxBatch * perSample
                    + " floats, more than one Java array holds (at most " + (Integer.MAX_VALUE - 64) / perSample
                    + " samples for this model)");
        }
        return new Workspace(this, maxBatch, chain.workspaceSize(maxBatch));
    }

    /**
     * {@code x (B, in) -> output (B, out)}; returns the output's offset in {@code ws.data()}.
     */
    public int forward(Context ctx, Workspace ws, float[] x, int xo, int batch) {
        check(ws, batch, x, xo);
        chain.forward(ctx, batch, x, xo, ws.data, ws.chainOff);
        return chain.outputOffset(batch, ws.chainOff);
    }

    /**
     * Backward from dL/d(output) at {@code ws.outputGradOffset()} (written by a loss) after a
     * {@link #forward} of the same batch; accumulates parameter gradients into {@code params().grads()}
     * and writes dL/dx to {@code dx} unless it is null.
     */
    public void backward(Context ctx, Workspace ws, float[] x, int xo, int batch, float[] dx, int dxo) {
        check(ws, batch, x, xo);
        if (dx != null && (dxo < 0 || dxo + (long) batch * inputShape().size() > dx.length)) {
            throw new ShapeException("dx: " + batch + " samples of " + inputShape() + " need "
                    + ((long) dxo + (long) batch * inputShape().size()) + " floats from offset " + dxo
                    + ", array has " + dx.length);
        }
        try {
            chain.backward(ctx, batch, x, xo, ws.data, ws.chainOff, ws.data, ws.outGradOff, dx, dxo);
        } finally {
            ctx.gradsZero(false);
        }
    }

    private void check(Workspace ws, int batch, float[] x, int xo) {
        if (ws == null || x == null) {
            throw new ShapeException((ws == null ? "the workspace" : "the input array") + " must not be null");
        }
        if (ws.model != this) {
            throw new dev.vecprop.ConfigException("workspace belongs to another model");
        }
        if (batch < 1 || batch > ws.maxBatch) {
            throw new ShapeException("batch " + batch + " outside 1.." + ws.maxBatch + " of this workspace");
        }
        long need = xo + (long) batch * inputShape().size();
        if (xo < 0 || need > x.length) {
            throw new ShapeException("input: " + batch + " samples of " + inputShape() + " need " + need
                    + " floats from offset " + xo + ", array has " + x.length);
        }
    }

    /** One line per layer with its tensors, like PyTorch's module printout. */
    public String summary() {
        StringBuilder b = new StringBuilder("Sequential(input " + inputShape() + ")\n");
        List<Layer> ls = layers();
        for (int i = 0; i < ls.size(); i++) {
            b.append("  (").append(i).append(") ").append(ls.get(i).describe()).append(" -> ")
                    .append(ls.get(i).outputShape()).append('\n');
        }
        b.append("  parameters: ").append(store.parameterCount());
        return b.toString();
    }
}
