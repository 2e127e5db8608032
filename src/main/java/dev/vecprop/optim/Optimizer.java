package dev.vecprop.optim;

import dev.vecprop.concurrent.WorkerPool;
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
    private WorkerPool pool = WorkerPool.serial();
    private final Update task = new Update();

    /** The pool's workers each update one contiguous, 16-float-aligned share (elementwise: any split gives the same result). */
    private final class Update implements WorkerPool.Task {
        float lr;

        @Override
        public void run(int worker, int workers) {
            int n = store.values().length;
            int from = (int) ((long) n * worker / workers) & ~15;
            int to = worker + 1 == workers ? n : (int) ((long) n * (worker + 1) / workers) & ~15;
            if (to > from) {
                update(lr, store.values(), store.grads(), from, to);
            }
        }
    }

    protected Optimizer(ParameterStore store) {
        this.store = store;
    }

    /** e.g. {@code Adam(betas=(0.9,0.999), eps=1e-08, weight_decay=0)}. */
    public abstract String describe();

    /** Applies one update with learning rate {@code lr}, then zeroes the gradients. */
    public final void step(float lr) {
        if (!(lr >= 0) || Float.isInfinite(lr)) {
            throw new dev.vecprop.ConfigException("learning rate must be finite and >= 0, got " + lr);
        }
        steps++;
        task.lr = lr;
        if (pool.threads() == 1 || store.values().length < 1 << 14) {
            task.run(0, 1);
        } else {
            pool.run(task);
        }
    }

    /** Splits the update over {@code pool} (null: the caller's thread). */
    public Optimizer parallel(WorkerPool pool) {
        this.pool = pool == null ? WorkerPool.serial() : pool;
        return this;
    }

    /** Updates elements {@code [from, to)}. */
    protected abstract void update(float lr, float[] p, float[] g, int from, int to);

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
            throw new dev.vecprop.ConfigException(what + " must be in [" + lo + ", " + hi + "], got " + v);
        }
    }
}
