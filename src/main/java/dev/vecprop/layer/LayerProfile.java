package dev.vecprop.layer;

/**
 * Wall time spent in each top-level layer of a {@link Sequential}, forward and backward, summed over
 * the passes made with a {@link Context} that carries it. A fused Linear+ReLU is booked to the
 * Linear. Not thread-safe: one per context.
 */
public final class LayerProfile {
    private final long[] forwardNanos;
    private final long[] backwardNanos;

    /**
     * Creates a profile with all times zero.
     *
     * @param layers the number of top-level layers of the model ({@code model.layers().size()})
     */
    public LayerProfile(int layers) {
        forwardNanos = new long[layers];
        backwardNanos = new long[layers];
    }

    void forward(int layer, long nanos) {
        forwardNanos[layer] += nanos;
    }

    void backward(int layer, long nanos) {
        backwardNanos[layer] += nanos;
    }

    /**
     * {@return the summed forward wall time of a layer, in nanoseconds}
     *
     * @param layer the layer's index in {@link Sequential#layers()}
     */
    public long forwardNanos(int layer) {
        return forwardNanos[layer];
    }

    /**
     * {@return the summed backward wall time of a layer, in nanoseconds}
     *
     * @param layer the layer's index in {@link Sequential#layers()}
     */
    public long backwardNanos(int layer) {
        return backwardNanos[layer];
    }

    /** Sets every time back to zero. */
    public void reset() {
        java.util.Arrays.fill(forwardNanos, 0);
        java.util.Arrays.fill(backwardNanos, 0);
    }
}
