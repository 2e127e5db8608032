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

    /**
     * Builds a model from layers, as {@link #Sequential(Shape, List)}.
     *
     * @param input  the shape of one input sample, e.g. {@code Shape.of(1, 28, 28)}
     * @param layers the layers in order, at least one, each a fresh instance used nowhere else
     * @throws ShapeException if there are no layers, a layer is null or repeated, or the layers do not fit
     */
    public Sequential(Shape input, Layer... layers) {
        this(input, layers == null ? null : java.util.Arrays.asList(layers));
    }

    /**
     * Builds the layers on {@code input}, allocates their tensors and initialises them from seed 0
     * (see {@link #initialize}).
     *
     * @param input  the shape of one input sample, e.g. {@code Shape.of(1, 28, 28)}
     * @param layers the layers in order, at least one, each a fresh instance used nowhere else
     * @throws ShapeException if there are no layers, a layer is null, repeated or already part of
     *                        another model, or the layers do not fit (the message names them)
     */
    public Sequential(Shape input, List<Layer> layers) {
        if (input == null || layers == null) {
            throw new ShapeException("Sequential needs an input shape and a list of layers, got "
                    + (input == null ? "no input shape" : "no layers"));
        }
        this.chain = new Chain(input, layers, "");
        chain.profiled(true);
        Map<String, ParamSpec> specs = chain.specs("");
        this.store = new ParameterStore(specs);
        chain.bind("", store);
        chain.assignIds(0);
        initialize(0L);
    }

    /**
     * Resets every layer's parameters to PyTorch's default initialisation and zeroes the gradients.
     *
     * @param seed the seed of the random initial values; the same seed gives the same parameters
     */
    public void initialize(long seed) {
        chain.initialize(new SplittableRandom(seed));
        store.zeroGrads();
    }

    /** {@return the store holding every tensor of the model (values, gradients, buffers)} */
    public ParameterStore params() {
        return store;
    }

    /** {@return the shape of one input sample} */
    public Shape inputShape() {
        return chain.inputShape();
    }

    /** {@return the shape of one output sample} */
    public Shape outputShape() {
        return chain.outputShape();
    }

    /** {@return the top-level layers in order (an unmodifiable list)} */
    public List<Layer> layers() {
        return chain.layers();
    }

    /**
     * {@return a new workspace for one thread's passes over batches of up to {@code maxBatch} samples}
     *
     * @param maxBatch the largest batch, at least 1
     * @throws ShapeException if {@code maxBatch} is less than 1 or the workspace would not fit in one Java array
     */
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
     * Runs the model forward on a batch: {@code x (B, in) -> output (B, out)}, row-major, where
     * {@code in} and {@code out} are the sizes of the input and output shapes.
     *
     * @param ctx   training or eval mode, seed and step
     * @param ws    a workspace of this model with {@code maxBatch() >= batch}; it receives the activations
     * @param x     the input batch, row-major [B][in], read from {@code x[xo ..]}
     * @param xo    the offset of the first input in {@code x}
     * @param batch the number of samples B
     * @return the offset in {@code ws.data()} of the output, row-major [B][out]
     * @throws ShapeException if {@code ws} or {@code x} is null, {@code batch} is outside
     *                        1..{@code ws.maxBatch()}, or {@code x} is too short from {@code xo}
     * @throws dev.vecprop.ConfigException if {@code ws} belongs to another model
     */
    public int forward(Context ctx, Workspace ws, float[] x, int xo, int batch) {
        check(ws, batch, x, xo);
        chain.forward(ctx, batch, x, xo, ws.data, ws.chainOff);
        return chain.outputOffset(batch, ws.chainOff);
    }

    /**
     * Backward from dL/d(output) at {@code ws.outputGradOffset()} (written by a loss) after a
     * {@link #forward} of the same batch; accumulates parameter gradients into {@code params().grads()}
     * and writes dL/dx to {@code dx} unless it is null. Clears {@code ctx.gradsZero()} afterwards.
     *
     * @param ctx   the context of the forward (same mode, seed and step)
     * @param ws    the workspace of the forward
     * @param x     the forward's input batch, row-major [B][in], from {@code x[xo ..]}
     * @param xo    the offset of the first input in {@code x}
     * @param batch the number of samples B, as in the forward
     * @param dx    receives dL/dx, row-major [B][in], from {@code dx[dxo ..]}; null when not needed
     * @param dxo   the offset of dL/dx in {@code dx}
     * @throws ShapeException if {@code ws} or {@code x} is null, {@code batch} is outside
     *                        1..{@code ws.maxBatch()}, or {@code x} or {@code dx} is too short
     * @throws dev.vecprop.ConfigException if {@code ws} belongs to another model
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

    /**
     * {@return a multi-line summary like PyTorch's module printout: the input shape, one line per
     * layer with its output shape, and the parameter count}
     */
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
