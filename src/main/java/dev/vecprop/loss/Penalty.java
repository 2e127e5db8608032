package dev.vecprop.loss;

import dev.vecprop.tensor.Param;

import java.util.List;

/**
 * A regularisation term on chosen parameters, added to the data loss: {@link #apply} returns its
 * value and accumulates its gradient into the parameters' gradients.
 */
public interface Penalty {
    String describe();

    double apply(List<Param> params);

    /** {@code lambda * sum |w|}; gradient {@code lambda * sign(w)} (0 at 0, as {@code torch.sign}). */
    static Penalty l1(double lambda) {
        return new L1Penalty(lambda);
    }

    /** {@code lambda * sum w^2}; gradient {@code 2 lambda w}. (An optimizer's weight decay wd equals lambda = wd/2.) */
    static Penalty l2(double lambda) {
        return new L2Penalty(lambda);
    }
}
