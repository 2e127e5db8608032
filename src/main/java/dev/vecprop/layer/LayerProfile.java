package dev.vecprop.layer;

/**
 * Wall time spent in each top-level layer of a {@link Sequential}, forward and backward, summed over
 * the passes made with a {@link Context} that carries it. A fused Linear+ReLU is booked to the
 * Linear. Not thread-safe: one per context.
 */
public final class LayerProfile {
    private final long[] forwardNanos;
    private final long[] backwardNanos;

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

    public long forwardNanos(int layer) {
        return forwardNanos[layer];
    }

    public long backwardNanos(int layer) {
        return backwardNanos[layer];
    }

    public void reset() {
        java.util.Arrays.fill(forwardNanos, 0);
        java.util.Arrays.fill(backwardNanos, 0);
    }
}
