package dev.vecprop.optim;

import dev.vecprop.kernel.OptimizerKernels;
import dev.vecprop.tensor.ParameterStore;

import java.util.Map;

/** {@code torch.optim.Adagrad}: lr decay, initial accumulator value, eps 1e-10, L2 weight decay. */
public final class Adagrad extends Optimizer {
    private final float lrDecay;
    private final float eps;
    private final float weightDecay;
    private final float[] sum;

    /**
     * Adagrad with the given settings; the lr of step t is {@code lr / (1 + (t-1) lrDecay)}.
     *
     * @param store              the parameters to update
     * @param lrDecay            learning-rate decay per step, {@code >= 0}
     * @param weightDecay        L2 penalty factor, {@code >= 0}
     * @param initialAccumulator starting value of the squared-gradient sum, {@code >= 0}
     * @param eps                added to the root of the sum, in [0, 1]
     * @throws dev.vecprop.ConfigException if a setting is out of range
     */
    Adagrad(ParameterStore store, double lrDecay, double weightDecay, double initialAccumulator, double eps) {
        super(store);
        check("Adagrad lr decay", lrDecay, 0, Double.MAX_VALUE);
        check("Adagrad weight decay", weightDecay, 0, Double.MAX_VALUE);
        check("Adagrad initial accumulator", initialAccumulator, 0, Double.MAX_VALUE);
        check("Adagrad eps", eps, 0, 1);
        this.lrDecay = (float) lrDecay;
        this.eps = (float) eps;
        this.weightDecay = (float) weightDecay;
        this.sum = new float[store.values().length];
        java.util.Arrays.fill(sum, (float) initialAccumulator);
    }

    /**
     * Adagrad with PyTorch's defaults (see {@link #options()}).
     *
     * @param store the parameters to update
     */
    public Adagrad(ParameterStore store) {
        this(store, 0, 0, 0, 1e-10);
    }

    @Override
    public String describe() {
        return "Adagrad(lr_decay=" + lrDecay + ", eps=" + eps + ", weight_decay=" + weightDecay + ")";
    }

    @Override
    protected void update(float lr, float[] p, float[] g, int from, int to) {
        float clr = lr / (1f + (steps - 1) * lrDecay);
        OptimizerKernels.adagrad(p, g, sum, from, to, clr, eps, weightDecay);
    }

    @Override
    public Map<String, float[]> stateArrays() {
        return named("sum", sum);
    }

    /** {@return Adagrad's settings with PyTorch's defaults: no lr decay, no weight decay, accumulator 0, eps 1e-10} */
    public static Options options() {
        return new Options(0, 0, 0, 1e-10);
    }

    /**
     * Adagrad's settings (see {@link Adagrad#options()}).
     *
     * @param lrDecay            learning-rate decay per step, {@code >= 0}
     * @param weightDecay        L2 penalty factor, {@code >= 0}
     * @param initialAccumulator starting value of the squared-gradient sum, {@code >= 0}
     * @param eps                added to the root of the sum, in [0, 1]
     */
    public record Options(double lrDecay, double weightDecay, double initialAccumulator, double eps)
            implements OptimizerFactory {
        /** Checks the settings. */
        public Options {
            check("Adagrad lr decay", lrDecay, 0, Double.MAX_VALUE);
            check("Adagrad weight decay", weightDecay, 0, Double.MAX_VALUE);
            check("Adagrad initial accumulator", initialAccumulator, 0, Double.MAX_VALUE);
            check("Adagrad eps", eps, 0, 1);
        }

        /**
         * Sets the weight decay.
         *
         * @param wd the L2 penalty factor, {@code >= 0}
         * @return a copy with this weight decay
         * @throws dev.vecprop.ConfigException if {@code wd} is negative or NaN
         */
        public Options weightDecay(double wd) {
            return new Options(lrDecay, wd, initialAccumulator, eps);
        }

        @Override
        public Adagrad create(ParameterStore store) {
            return new Adagrad(store, lrDecay, weightDecay, initialAccumulator, eps);
        }
    }
}
