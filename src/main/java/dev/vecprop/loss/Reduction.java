package dev.vecprop.loss;

/** How per-element losses combine: their mean (PyTorch's default) or their sum. */
public enum Reduction {
    MEAN, SUM
}
