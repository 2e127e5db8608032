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

    /**
     * SGD with the given settings.
     *
     * @param store       the parameters to update
     * @param momentum    momentum factor in [0, 1]; 0 keeps no momentum buffer
     * @param dampening   dampening of the momentum in [0, 1]
     * @param nesterov    Nesterov momentum (needs momentum {@code > 0} and dampening 0)
     * @param weightDecay L2 penalty factor, {@code >= 0}
     * @throws dev.vecprop.ConfigException if a setting is out of range, or Nesterov is asked for
     *                                     without momentum or with dampening
     */
    SGD(ParameterStore store, double momentum, double dampening, boolean nesterov, double weightDecay) {
        super(store);
        check("SGD momentum", momentum, 0, 1);
        check("SGD dampening", dampening, 0, 1);
        check("SGD weight decay", weightDecay, 0, Double.MAX_VALUE);
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new dev.vecprop.ConfigException("Nesterov momentum requires momentum > 0 and dampening 0");
        }
        this.momentum = (float) momentum;
        this.dampening = (float) dampening;
        this.nesterov = nesterov;
        this.weightDecay = (float) weightDecay;
        this.buf = momentum != 0 ? new float[store.values().length] : null;
    }

    /**
     * Plain SGD: {@code p -= lr g}.
     *
     * @param store the parameters to update
     */
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

    /** {@return plain SGD's settings: no momentum, no dampening, no Nesterov, no weight decay (PyTorch's defaults)} */
    public static Options options() {
        return new Options(0, 0, false, 0);
    }

    /**
     * SGD's settings (see {@link SGD#options()}); each wither returns a copy with one setting changed.
     *
     * @param momentum    momentum factor in [0, 1]
     * @param dampening   dampening of the momentum in [0, 1]
     * @param nesterov    Nesterov momentum (needs momentum {@code > 0} and dampening 0)
     * @param weightDecay L2 penalty factor, {@code >= 0}
     */
    public record Options(double momentum, double dampening, boolean nesterov, double weightDecay)
            implements OptimizerFactory {
        /** Checks the settings. */
        public Options {
            check("SGD momentum", momentum, 0, 1);
            check("SGD dampening", dampening, 0, 1);
            check("SGD weight decay", weightDecay, 0, Double.MAX_VALUE);
        }

        /**
         * Sets the momentum.
         *
         * @param m the momentum factor, in [0, 1]
         * @return a copy with this momentum
         * @throws dev.vecprop.ConfigException if {@code m} is out of range
         */
        public Options momentum(double m) {
            return new Options(m, dampening, nesterov, weightDecay);
        }

        /**
         * Sets the dampening of the momentum.
         *
         * @param d the dampening, in [0, 1]
         * @return a copy with this dampening
         * @throws dev.vecprop.ConfigException if {@code d} is out of range
         */
        public Options dampening(double d) {
            return new Options(momentum, d, nesterov, weightDecay);
        }

        /**
         * Turns Nesterov momentum on or off; it needs momentum {@code > 0} and dampening 0, which is
         * checked when the optimizer is created.
         *
         * @param on whether to use Nesterov momentum
         * @return a copy with Nesterov on or off
         */
        public Options nesterov(boolean on) {
            return new Options(momentum, dampening, on, weightDecay);
        }

        /**
         * Sets the weight decay.
         *
         * @param wd the L2 penalty factor, {@code >= 0}
         * @return a copy with this weight decay
         * @throws dev.vecprop.ConfigException if {@code wd} is negative or NaN
         */
        public Options weightDecay(double wd) {
            return new Options(momentum, dampening, nesterov, wd);
        }

        @Override
        public SGD create(ParameterStore store) {
            return new SGD(store, momentum, dampening, nesterov, weightDecay);
        }
    }
}
