package dev.vecprop.loss;

import dev.vecprop.tensor.Param;

import java.util.List;

/** {@code lambda * sum |w|} over the chosen tensors; gradient {@code lambda * sign(w)}. */
public final class L1Penalty implements Penalty {
    private final double lambda;

    /**
     * Creates the penalty.
     *
     * @param lambda the penalty's weight, finite and at least 0
     * @throws dev.vecprop.ConfigException if {@code lambda} is negative, infinite or NaN
     */
    public L1Penalty(double lambda) {
        if (!(lambda >= 0) || Double.isInfinite(lambda)) {
            throw new dev.vecprop.ConfigException("L1 penalty: lambda must be finite and >= 0, got " + lambda);
        }
        this.lambda = lambda;
    }

    @Override
    public String describe() {
        return "L1(" + lambda + ")";
    }

    @Override
    public double apply(List<Param> params) {
        double s = 0;
        float l = (float) lambda;
        for (Param p : params) {
            float[] w = p.data();
            float[] g = p.grad();
            for (int i = 0; i < p.numel(); i++) {
                int k = p.index(i);
                s += Math.abs(w[k]);
                g[k] += l * Math.signum(w[k]);
            }
        }
        return lambda * s;
    }
}
