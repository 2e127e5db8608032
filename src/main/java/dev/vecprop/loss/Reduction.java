package dev.vecprop.loss;

/** How per-element losses combine: their mean (PyTorch's default) or their sum. */
public enum Reduction {
    /** The mean of the per-element (or per-sample) losses; gradients are divided by their count. */
    MEAN,
    /** The sum of the per-element (or per-sample) losses. */
    SUM
}
