package dev.vecprop.optim;

import dev.vecprop.kernel.OptimizerKernels;
import dev.vecprop.tensor.ParameterStore;

import java.util.Map;

/**
 * {@code torch.optim.Adam} (L2 weight decay added to the gradient) or, with {@code decoupled},
 * {@code torch.optim.AdamW} (weight decay applied to the weights). Defaults as PyTorch's:
 * betas (0.9, 0.999), eps 1e-8, weight decay 0 for Adam and 0.01 for AdamW.
 */
public final class Adam extends Optimizer {
    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float weightDecay;
    private final boolean decoupled;
    private final float[] m;
    private final float[] v;

    /**
     * Adam or AdamW with the given settings.
     *
     * @param store       the parameters to update
     * @param beta1       decay of the first moment, in [0, 1)
     * @param beta2       decay of the second moment, in [0, 1)
     * @param eps         added to the second moment's square root, in [0, 1]
     * @param weightDecay L2 penalty factor ({@code decoupled}: AdamW's decay factor), {@code >= 0}
     * @param decoupled   AdamW: decay the weights directly ({@code p *= 1 - lr wd}) instead of adding to the gradient
     * @throws dev.vecprop.ConfigException if a setting is out of range
     */
    Adam(ParameterStore store, double beta1, double beta2, double eps, double weightDecay, boolean decoupled) {
        super(store);
        check("Adam beta1", beta1, 0, 0.999999);
        check("Adam beta2", beta2, 0, 0.999999999);
        check("Adam eps", eps, 0, 1);
        check("Adam weight decay", weightDecay, 0, Double.MAX_VALUE);
        this.beta1 = (float) beta1;
        this.beta2 = (float) beta2;
        this.eps = (float) eps;
        this.weightDecay = (float) weightDecay;
        this.decoupled = decoupled;
        this.m = new float[store.values().length];
        this.v = new float[store.values().length];
    }

    /**
     * Adam with PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay.
     *
     * @param store the parameters to update
     * @return the optimizer
     */
    public static Adam adam(ParameterStore store) {
        return new Adam(store, 0.9, 0.999, 1e-8, 0, false);
    }

    /**
     * AdamW with PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, decoupled weight decay 0.01.
     *
     * @param store the parameters to update
     * @return the optimizer
     */
    public static Adam adamW(ParameterStore store) {
        return new Adam(store, 0.9, 0.999, 1e-8, 0.01, true);
    }

    @Override
    public String describe() {
        return (decoupled ? "AdamW" : "Adam") + "(betas=(" + beta1 + "," + beta2 + "), eps=" + eps
                + ", weight_decay=" + weightDecay + ")";
    }

    @Override
    protected void update(float lr, float[] p, float[] g, int from, int to) {
        OptimizerKernels.adam(p, g, m, v, from, to, lr, beta1, beta2, eps, weightDecay, decoupled, steps);
    }

    @Override
    public Map<String, float[]> stateArrays() {
        return named("exp_avg", m, "exp_avg_sq", v);
    }

    /** {@return Adam's settings with PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay} */
    public static Options options() {
        return new Options(0.9, 0.999, 1e-8, 0, false);
    }

    /** {@return AdamW's settings with PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, decoupled weight decay 0.01} */
    public static Options adamW() {
        return new Options(0.9, 0.999, 1e-8, 0.01, true);
    }

    /**
     * Adam's settings (see {@link Adam#options()}); each wither returns a copy with one setting changed.
     *
     * @param beta1       decay of the first moment, in [0, 1)
     * @param beta2       decay of the second moment, in [0, 1)
     * @param eps         added to the second moment's square root, in [0, 1]
     * @param weightDecay L2 penalty factor ({@code decoupled}: AdamW's decay factor), {@code >= 0}
     * @param decoupled   AdamW: decay the weights directly instead of adding to the gradient
     */
    public record Options(double beta1, double beta2, double eps, double weightDecay, boolean decoupled)
            implements OptimizerFactory {
        /** Checks the settings. */
        public Options {
            check("Adam beta1", beta1, 0, 0.999999);
            check("Adam beta2", beta2, 0, 0.999999999);
            check("Adam eps", eps, 0, 1);
            check("Adam weight decay", weightDecay, 0, Double.MAX_VALUE);
        }

        /**
         * Sets the moment decays.
         *
         * @param b1 decay of the first moment, in [0, 1)
         * @param b2 decay of the second moment, in [0, 1)
         * @return a copy with these betas
         * @throws dev.vecprop.ConfigException if a beta is out of range
         */
        public Options betas(double b1, double b2) {
            return new Options(b1, b2, eps, weightDecay, decoupled);
        }

        /**
         * Sets the epsilon.
         *
         * @param e added to the second moment's square root, in [0, 1]
         * @return a copy with this epsilon
         * @throws dev.vecprop.ConfigException if {@code e} is out of range
         */
        public Options eps(double e) {
            return new Options(beta1, beta2, e, weightDecay, decoupled);
        }

        /**
         * Sets the weight decay, L2 or decoupled as this setting's {@code decoupled}.
         *
         * @param wd the weight decay factor, {@code >= 0}
         * @return a copy with this weight decay
         * @throws dev.vecprop.ConfigException if {@code wd} is negative or NaN
         */
        public Options weightDecay(double wd) {
            return new Options(beta1, beta2, eps, wd, decoupled);
        }

        @Override
        public Adam create(ParameterStore store) {
            return new Adam(store, beta1, beta2, eps, weightDecay, decoupled);
        }
    }
}
