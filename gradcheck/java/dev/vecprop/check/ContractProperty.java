package dev.vecprop.check;

/**
 * The properties of the layer and loss contract that {@link LayerContract} and {@link LossContract}
 * verify. {@code docs/TESTING-YOUR-LAYER.md} says what each one means and how its tolerance is derived.
 */
public enum ContractProperty {
    /** dL/d(input) and dL/d(every parameter) agree with central differences, in training and eval mode. */
    GRADIENTS,
    /**
     * Backward semantics: parameter gradients accumulate (two passes give twice the gradient), the
     * zero-start shortcut ({@link dev.vecprop.layer.Context#gradsZero()}) gives the same gradient, and
     * dL/d(input) is written, not added.
     */
    ACCUMULATION,
    /**
     * A sample's output and gradients do not depend on the other samples of its batch, and the
     * parameter gradient of a batch is the sum of the samples' gradients.
     */
    BATCH_INDEPENDENCE,
    /** Bit-identical outputs and gradients for one thread, for N threads, and for a repeated run. */
    DETERMINISM,
    /** An eval-mode forward changes nothing but its output and its workspace. */
    EVAL_PURITY,
    /** Save to a checkpoint and load it back: the loaded layer gives bit-identical outputs. */
    SERIALIZATION,
    /** A shape the layer cannot take is refused with the documented exception, not an index error. */
    SHAPE_ERRORS
}
