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

    /**
     * RMSprop with the given settings.
     *
     * @param store       the parameters to update
     * @param alpha       smoothing of the squared-gradient average, in [0, 1]
     * @param eps         added to the root of the average, in [0, 1]
     * @param weightDecay L2 penalty factor, {@code >= 0}
     * @param momentum    momentum factor in [0, 1]
     * @throws dev.vecprop.ConfigException if a setting is out of range
     */
    RMSprop(ParameterStore store, double alpha, double eps, double weightDecay, double momentum) {
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

    /**
     * RMSprop with PyTorch's defaults (see {@link #options()}).
     *
     * @param store the parameters to update
     */
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

    /** {@return RMSprop's settings with PyTorch's defaults: alpha 0.99, eps 1e-8, no weight decay, no momentum} */
    public static Options options() {
        return new Options(0.99, 1e-8, 0, 0);
    }

    /**
     * RMSprop's settings (see {@link RMSprop#options()}).
     *
     * @param alpha       smoothing of the squared-gradient average, in [0, 1]
     * @param eps         added to the root of the average, in [0, 1]
     * @param weightDecay L2 penalty factor, {@code >= 0}
     * @param momentum    momentum factor in [0, 1]
     */
    public record Options(double alpha, double eps, double weightDecay, double momentum) implements OptimizerFactory {
        /** Checks the settings. */
        public Options {
            check("RMSprop alpha", alpha, 0, 1);
            check("RMSprop eps", eps, 0, 1);
            check("RMSprop weight decay", weightDecay, 0, Double.MAX_VALUE);
            check("RMSprop momentum", momentum, 0, 1);
        }

        /**
         * Sets the weight decay.
         *
         * @param wd the L2 penalty factor, {@code >= 0}
         * @return a copy with this weight decay
         * @throws dev.vecprop.ConfigException if {@code wd} is negative or NaN
         */
        public Options weightDecay(double wd) {
            return new Options(alpha, eps, wd, momentum);
        }

        /**
         * Sets the momentum.
         *
         * @param m the momentum factor, in [0, 1]
         * @return a copy with this momentum
         * @throws dev.vecprop.ConfigException if {@code m} is out of range
         */
        public Options momentum(double m) {
            return new Options(alpha, eps, weightDecay, m);
        }

        @Override
        public RMSprop create(ParameterStore store) {
            return new RMSprop(store, alpha, eps, weightDecay, momentum);
        }
    }
}
