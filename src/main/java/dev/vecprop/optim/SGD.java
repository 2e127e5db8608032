package dev.vecprop.optim;

import dev.vecprop.kernel.OptimizerKernels;
import dev.vecprop.tensor.ParameterStore;

import java.util.Map;

/**
 * {@code torch.optim.SGD}: plain, with momentum (and dampening), or Nesterov; L2 weight decay.
 * Batch, mini-batch and stochastic gradient descent differ only in the batch size the trainer uses.
 */
public final class SGD extends Optimizer {
    private final float momentum;
    private final float dampening;
    private final boolean nesterov;
    private final float weightDecay;
    private final float[] buf;

    public SGD(ParameterStore store, double momentum, double dampening, boolean nesterov, double weightDecay) {
        super(store);
        check("SGD momentum", momentum, 0, 1);
        check("SGD dampening", dampening, 0, 1);
        check("SGD weight decay", weightDecay, 0, Double.MAX_VALUE);
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("Nesterov momentum requires momentum > 0 and dampening 0");
        }
        this.momentum = (float) momentum;
        this.dampening = (float) dampening;
        this.nesterov = nesterov;
        this.weightDecay = (float) weightDecay;
        this.buf = momentum != 0 ? new float[store.values().length] : null;
    }

    public SGD(ParameterStore store) {
        this(store, 0, 0, false, 0);
    }

    @Override
    public String describe() {
        return "SGD(momentum=" + momentum + (nesterov ? ", nesterov" : "") + ", weight_decay=" + weightDecay + ")";
    }

    @Override
    protected void update(float lr, float[] p, float[] g, int from, int to) {
        OptimizerKernels.sgd(p, g, buf, from, to, lr, momentum, dampening, nesterov, weightDecay, steps == 1);
    }

    @Override
    public Map<String, float[]> stateArrays() {
        return buf == null ? Map.of() : named("momentum_buffer", buf);
    }
}
