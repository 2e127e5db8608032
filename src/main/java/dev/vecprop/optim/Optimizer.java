package dev.vecprop.optim;

import dev.vecprop.tensor.ParameterStore;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Updates a model's parameters from its gradients with PyTorch's rules and defaults, as one
 * elementwise (SIMD) loop over the store's flat arrays; gradients are zeroed in the same pass.
 * State (moments, step count) is exposed for checkpoints.
 */
public abstract class Optimizer {
    protected final ParameterStore store;
    protected long steps;

    protected Optimizer(ParameterStore store) {
        this.store = store;
    }

    /** e.g. {@code Adam(betas=(0.9,0.999), eps=1e-08, weight_decay=0)}. */
    public abstract String describe();

    /** Applies one update with learning rate {@code lr}, then zeroes the gradients. */
    public final void step(float lr) {
        if (!(lr >= 0) || Float.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate must be finite and >= 0, got " + lr);
        }
        steps++;
        update(lr, store.values(), store.grads(), store.values().length);
    }

    protected abstract void update(float lr, float[] p, float[] g, int n);

    /** Steps taken. */
    public long steps() {
        return steps;
    }

    /** Named state arrays (same indexing as the store's values), for checkpoints. */
    public abstract Map<String, float[]> stateArrays();

    /** Restores the step count (state arrays are restored by copying into {@link #stateArrays()}). */
    public void restoreSteps(long steps) {
        this.steps = steps;
    }

    protected static Map<String, float[]> named(Object... kv) {
        Map<String, float[]> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], (float[]) kv[i + 1]);
        }
        return m;
    }

    static void check(String what, double v, double lo, double hi) {
        if (!(v >= lo && v <= hi)) {
            throw new IllegalArgumentException(what + " must be in [" + lo + ", " + hi + "], got " + v);
        }
    }
}
