package dev.vecprop.loss;

import java.util.Locale;

/** The reduction and the one-time description shared by the losses. */
public abstract class ReducedLoss implements Loss {
    protected final Reduction reduction;
    private final String name;

    protected ReducedLoss(Reduction reduction) {
        this.reduction = java.util.Objects.requireNonNull(reduction, "reduction");
        this.name = getClass().getSimpleName() + "(" + reduction.name().toLowerCase(Locale.ROOT) + ")";
    }

    /** Built once: describe() is on the per-step path (error messages only read it). */
    @Override
    public final String describe() {
        return name;
    }

    @Override
    public final Reduction reduction() {
        return reduction;
    }

    /** 1/count for the mean, 1 for the sum. */
    protected final double scale(long count) {
        return reduction == Reduction.MEAN ? 1.0 / count : 1.0;
    }
}
