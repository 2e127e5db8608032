package dev.vecprop.loss;

import java.util.Locale;

/** The reduction and the one-time description shared by the losses. */
public abstract class ReducedLoss implements Loss {
    /** How {@link #compute} combines the per-element losses; never null. */
    protected final Reduction reduction;
    private final String name;

    /**
     * Constructor for subclasses; the description becomes {@code SimpleClassName(mean)} or {@code (sum)}.
     *
     * @param reduction mean or sum
     * @throws NullPointerException if {@code reduction} is null
     */
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

    /**
     * {@return the factor that turns a sum into the reduced loss: 1/count for the mean, 1 for the sum}
     *
     * @param count the number of terms summed (samples or elements)
     */
    protected final double scale(long count) {
        return reduction == Reduction.MEAN ? 1.0 / count : 1.0;
    }
}
