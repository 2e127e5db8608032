package dev.vecprop.layer;

import dev.vecprop.kernel.Activations;
import dev.vecprop.tensor.ParamSpec;
import dev.vecprop.tensor.ParameterStore;

import java.util.List;
import java.util.SplittableRandom;

/**
 * A residual block {@code y = x + f(x)}, f a chain of layers whose output shape equals its input
 * shape. Tensors are named like an {@code nn.Sequential} subclass: {@code 3.0.weight}, {@code 3.2.bias}.
 * Backward: {@code dx = dy + f'(x)^T dy}.
 */
public final class Residual extends AbstractLayer {
    private final List<Layer> inner;
    private Chain chain;

    /**
     * Creates a residual block around a branch; the branch is built (and shape-checked) when the
     * block is built into a model.
     *
     * @param f the branch's layers, in order, at least one; fresh instances not used elsewhere
     * @throws NullPointerException if a layer is null
     */
    public Residual(Layer... f) {
        this.inner = List.of(f);
    }

    /** {@return the branch's layers, in order} */
    public List<Layer> layers() {
        return inner;
    }

    Chain chain() {
        return chain;
    }

    @Override
    public LayerConfig config() {
        java.util.List<LayerConfig> cs = new java.util.ArrayList<>();
        for (Layer l : inner) {
            LayerConfig c = l.config();
            if (c == null) {
                return null;
            }
            cs.add(c);
        }
        return LayerConfig.of("Residual").withChildren(cs);
    }

    @Override
    public String describe() {
        StringBuilder b = new StringBuilder("Residual(");
        for (int i = 0; i < inner.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(inner.get(i).describe());
        }
        return b.append(")").toString();
    }

    @Override
    protected Shape computeOutputShape(Shape input) {
        Chain c = new Chain(input, inner, "");
        if (!c.outputShape().equals(input)) {
            throw new ShapeException("the residual branch maps " + input + " to " + c.outputShape()
                    + "; y = x + f(x) needs equal shapes");
        }
        chain = c;
        return input;
    }

    @Override
    public List<ParamSpec> paramSpecs() {
        return List.copyOf(chain.specs("").values()); // names resolved through chain().specs(prefix)
    }

    @Override
    public void bind(String prefix, ParameterStore store) {
        chain.bind(prefix, store);
    }

    @Override
    public void initialize(SplittableRandom rnd) {
        chain.initialize(rnd);
    }

    @Override
    public int workspaceSize(int batch) {
        // the branch's own blocks + dL/dx of the branch
        return chain.workspaceSize(batch) + batch * inSize();
    }

    @Override
    public void forward(Context ctx, int batch, float[] x, int xo, float[] y, int yo, float[] ws, int wo) {
        // x (B,F) -> f(x) (B,F) -> y = x + f(x)
        chain.forward(ctx, batch, x, xo, ws, wo);
        Activations.add(x, xo, ws, chain.outputOffset(batch, wo), y, yo, batch * inSize());
    }

    @Override
    public void backward(Context ctx, int batch, float[] x, int xo, float[] y, int yo,
                         float[] dy, int dyo, float[] dx, int dxo, float[] ws, int wo) {
        // dy (B,F) -> dx = dy + f'(x)^T dy
        int branchDx = wo + chain.workspaceSize(batch);
        chain.backward(ctx, batch, x, xo, ws, wo, dy, dyo, dx == null ? null : ws, branchDx);
        if (dx != null) {
            Activations.add(dy, dyo, ws, branchDx, dx, dxo, batch * inSize());
        }
    }
}
