package dev.vecprop.layer;

import java.util.Arrays;

/**
 * Which time steps of a batch of sequences are padding: a {@code (batch, steps)} matrix of flags,
 * PyTorch's {@code key_padding_mask} ({@code true} = padded, ignored). A batch of sequences of
 * different lengths is padded to the model's length and run with the mask set on the pass's
 * {@link Context#paddingMask(PaddingMask) context}: attention gives padded keys no weight,
 * {@link MeanOverTime} averages the valid steps only and the recurrent layers ({@link LSTM},
 * {@link GRU}; padding at the end only) stop each sample's recurrence after its valid steps, so what the padded positions hold changes
 * neither the outputs of the valid positions, nor the loss, nor any parameter gradient; the input
 * gradient at padded positions is zero. Immutable.
 */
public final class PaddingMask {
    private final boolean[] padded;
    private final int rows;
    private final int steps;
    private final int[] valid;
    private final boolean[] endPadded;

    private PaddingMask(boolean[] padded, int rows, int steps) {
        this.padded = padded;
        this.rows = rows;
        this.steps = steps;
        this.valid = new int[rows];
        this.endPadded = new boolean[rows];
        for (int r = 0; r < rows; r++) {
            int n = 0;
            for (int t = 0; t < steps; t++) {
                n += padded[r * steps + t] ? 0 : 1;
            }
            valid[r] = n;
            boolean atEnd = true;
            for (int t = 0; t < n; t++) {
                atEnd &= !padded[r * steps + t];
            }
            endPadded[r] = atEnd;
        }
    }

    /**
     * {@return a mask from flags}
     *
     * @param padded row-major {@code [rows][steps]}, true at padded positions; copied
     * @param rows   the samples of the batch
     * @param steps  the time steps of each sample (the model's sequence length)
     * @throws ShapeException if a size is not positive or {@code padded} does not hold {@code rows * steps} flags
     */
    public static PaddingMask of(boolean[] padded, int rows, int steps) {
        if (padded == null || rows < 1 || steps < 1 || padded.length != (long) rows * steps) {
            throw new ShapeException("padding mask: " + (padded == null ? "null" : padded.length + " flags")
                    + " for " + rows + " samples x " + steps + " steps; need rows, steps >= 1 and rows*steps flags");
        }
        return new PaddingMask(padded.clone(), rows, steps);
    }

    /**
     * {@return the mask of sequences padded at the end: sample r holds {@code lengths[r]} valid steps, then padding}
     *
     * @param steps   the time steps of each sample (the model's sequence length)
     * @param lengths the valid steps of each sample, each in {@code 1..steps}
     * @throws ShapeException if there are no lengths or one is outside {@code 1..steps}
     */
    public static PaddingMask ofLengths(int steps, int... lengths) {
        if (lengths == null || lengths.length == 0 || steps < 1) {
            throw new ShapeException("padding mask: need steps >= 1 and at least one length");
        }
        boolean[] p = new boolean[lengths.length * steps];
        for (int r = 0; r < lengths.length; r++) {
            if (lengths[r] < 1 || lengths[r] > steps) {
                throw new ShapeException("padding mask: length " + lengths[r] + " of sample " + r
                        + " is outside 1.." + steps);
            }
            Arrays.fill(p, r * steps + lengths[r], (r + 1) * steps, true);
        }
        return new PaddingMask(p, lengths.length, steps);
    }

    /** {@return the samples of the batch the mask describes} */
    public int rows() {
        return rows;
    }

    /** {@return the time steps per sample} */
    public int steps() {
        return steps;
    }

    /**
     * {@return whether step {@code t} of sample {@code r} is padding}
     *
     * @param r the sample, from 0
     * @param t the time step, from 0
     */
    public boolean isPadded(int r, int t) {
        if (r < 0 || r >= rows || t < 0 || t >= steps) {
            throw new IndexOutOfBoundsException("padding mask (" + rows + ", " + steps + "): no position (" + r + ", " + t + ")");
        }
        return padded[r * steps + t];
    }

    /**
     * {@return the number of steps of sample {@code r} that are not padding}
     *
     * @param r the sample, from 0
     */
    public int validSteps(int r) {
        return valid[r];
    }

    /**
     * {@return whether sample {@code r}'s padding is all at its end (its valid steps come first), as
     * recurrent layers need}
     *
     * @param r the sample, from 0
     */
    public boolean isPaddedAtEnd(int r) {
        return endPadded[r];
    }

    /** The flags, row-major (not a copy; read only). */
    boolean[] flags() {
        return padded;
    }

    /** Checks that the mask fits a pass of {@code batch} samples of {@code steps} steps through {@code layer}. */
    void check(Layer layer, int batch, int steps) {
        if (rows != batch || this.steps != steps) {
            throw new ShapeException(layer.describe() + ": padding mask is (" + rows + ", " + this.steps
                    + "), expected (" + batch + ", " + steps + ") = (batch, time steps)");
        }
    }

    @Override
    public String toString() {
        return "PaddingMask(" + rows + ", " + steps + ")";
    }
}
