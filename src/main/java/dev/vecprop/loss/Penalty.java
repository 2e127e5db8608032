package dev.vecprop.loss;

import dev.vecprop.tensor.Param;

import java.util.List;

/**
 * A regularisation term on chosen parameters, added to the data loss: {@link #apply} returns its
 * value and accumulates its gradient into the parameters' gradients.
 */
public interface Penalty {
    /** {@return a short description for logs, e.g. {@code L2(1.0E-4)}} */
    String describe();

    /**
     * Adds the penalty's gradient to the parameters' gradients and returns its value.
     *
     * @param params the trainable tensors to penalise (the trainer passes the 2-D weights)
     * @return the penalty's value, to add to the step's loss
     */
    double apply(List<Param> params);

    /**
     * {@return the L1 penalty {@code lambda * sum |w|}; gradient {@code lambda * sign(w)} (0 at 0, as {@code torch.sign})}
     *
     * @param lambda the penalty's weight, finite and at least 0
     * @throws dev.vecprop.ConfigException if {@code lambda} is negative, infinite or NaN
     */
    static Penalty l1(double lambda) {
        return new L1Penalty(lambda);
    }

    /**
     * {@return the L2 penalty {@code lambda * sum w^2}; gradient {@code 2 lambda w} (an optimizer's
     * weight decay wd equals lambda = wd/2)}
     *
     * @param lambda the penalty's weight, finite and at least 0
     * @throws dev.vecprop.ConfigException if {@code lambda} is negative, infinite or NaN
     */
    static Penalty l2(double lambda) {
        return new L2Penalty(lambda);
    }
}
