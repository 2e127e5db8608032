package dev.vecprop.loss;

import dev.vecprop.tensor.Param;

import java.util.List;

/** {@code lambda * sum w^2} over the chosen tensors; gradient {@code 2 lambda w}. */
public final class L2Penalty implements Penalty {
    private final double lambda;

    /**
     * Creates the penalty.
     *
     * @param lambda the penalty's weight, finite and at least 0
     * @throws dev.vecprop.ConfigException if {@code lambda} is negative, infinite or NaN
     */
    public L2Penalty(double lambda) {
        if (!(lambda >= 0) || Double.isInfinite(lambda)) {
            throw new dev.vecprop.ConfigException("L2 penalty: lambda must be finite and >= 0, got " + lambda);
        }
        this.lambda = lambda;
    }

    @Override
    public String describe() {
        return "L2(" + lambda + ")";
    }

    @Override
    public double apply(List<Param> params) {
        double s = 0;
        float twoL = (float) (2 * lambda);
        for (Param p : params) {
            float[] w = p.data();
            float[] g = p.grad();
            for (int i = 0; i < p.numel(); i++) {
                int k = p.index(i);
                s += (double) w[k] * w[k];
                g[k] += twoL * w[k];
            }
        }
        return lambda * s;
    }
}
