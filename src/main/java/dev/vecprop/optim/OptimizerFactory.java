package dev.vecprop.optim;

import dev.vecprop.tensor.ParameterStore;

/**
 * An optimizer's settings before it is bound to a model's parameters. {@link Adam#options()},
 * {@link Adam#adamW()}, {@link SGD#options()}, {@link Adagrad#options()} and
 * {@link RMSprop#options()} return factories with PyTorch's defaults and wither methods, e.g.
 * {@code SGD.options().momentum(0.9).nesterov(true)}; the trainer calls {@link #create} once per
 * fit. The learning rate is not a setting of the optimizer: it comes from the schedule at every step.
 */
@FunctionalInterface
public interface OptimizerFactory {
    /**
     * Makes an optimizer with these settings over a model's parameters.
     *
     * @param store the model's parameters ({@code model.params()})
     * @return a new optimizer over them, with zeroed state
     */
    Optimizer create(ParameterStore store);
}
