package dev.vecprop.optim;

import dev.vecprop.kernel.OptimizerKernels;
import dev.vecprop.tensor.ParameterStore;

import java.util.Map;

/** {@code torch.optim.RMSprop} (not centered): alpha 0.99, eps 1e-8, momentum, L2 weight decay. */
public final class RMSprop extends Optimizer {
    private final float alpha;
    private final float eps;
    private final float weightDecay;
    private final float momentum;
    private final float[] square;
    private final float[] buf;

    public RMSprop(ParameterStore store, double alpha, double eps, double weightDecay, double momentum) {
        super(store);
        check("RMSprop alpha", alpha, 0, 1);
        check("RMSprop eps", eps, 0, 1);
        check("RMSprop weight decay", weightDecay, 0, Double.MAX_VALUE);
        check("RMSprop momentum", momentum, 0, 1);
        this.alpha = (float) alpha;
        this.eps = (float) eps;
        this.weightDecay = (float) weightDecay;
        this.momentum = (float) momentum;
        this.square = new float[store.values().length];
        this.buf = new float[momentum != 0 ? store.values().length : 0];
    }

    public RMSprop(ParameterStore store) {
        this(store, 0.99, 1e-8, 0, 0);
    }

    @Override
    public String describe() {
        return "RMSprop(alpha=" + alpha + ", eps=" + eps + ", momentum=" + momentum + ", weight_decay="
                + weightDecay + ")";
    }

    @Override
    protected void update(float lr, float[] p, float[] g, int from, int to) {
        OptimizerKernels.rmsprop(p, g, square, buf, from, to, lr, alpha, eps, weightDecay, momentum);
    }

    @Override
    public Map<String, float[]> stateArrays() {
        return momentum != 0 ? named("square_avg", square, "momentum_buffer", buf) : named("square_avg", square);
    }
}
