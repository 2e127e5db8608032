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
    /** The parameters being updated; every state array is indexed like {@code store.values()}. */
    protected final ParameterStore store;
    /**
     * Steps taken (PyTorch's {@code step}): incremented before {@link #update} runs, so 1 during the
     * first update; used for Adam's bias correction and Adagrad's lr decay.
     */
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

    /**
     * Binds the optimizer to a model's parameters; subclasses allocate their state arrays.
     *
     * @param store the parameters to update ({@code model.params()})
     */
    protected Optimizer(ParameterStore store) {
        this.store = store;
    }

    /**
     * {@return the optimizer and its settings in PyTorch's notation, e.g.
     * {@code Adam(betas=(0.9,0.999), eps=1e-08, weight_decay=0)}} A checkpoint records it.
     */
    public abstract String describe();

    /**
     * Applies one update to every parameter from the gradients accumulated since the last step,
     * then zeroes the gradients.
     *
     * @param lr the learning rate for this step, finite and {@code >= 0} (usually from an {@link LrSchedule})
     * @throws dev.vecprop.ConfigException if {@code lr} is negative, NaN or infinite
     */
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

    /**
     * Splits the update over {@code pool} (null: the caller's thread). Internal plumbing: the
     * worker pool is not an exported type.
     *
     * @param pool the workers, or null
     * @return this optimizer
     * @hidden
     */
    public Optimizer parallel(WorkerPool pool) {
        this.pool = pool == null ? WorkerPool.serial() : pool;
        return this;
    }

    /**
     * The update rule: updates parameters {@code p[from .. to)} from gradients {@code g[from .. to)}
     * (and the state at the same indices) and zeroes those gradients. {@link #steps} already counts
     * this step. Called for disjoint ranges, possibly from several threads at once, so it must be
     * purely elementwise.
     *
     * @param lr   the learning rate of this step
     * @param p    the flat parameter values ({@code store.values()})
     * @param g    the flat gradients, same indices ({@code store.grads()})
     * @param from first index to update
     * @param to   end index, exclusive
     */
    protected abstract void update(float lr, float[] p, float[] g, int from, int to);

    /** {@return the number of steps taken (restored from a checkpoint by {@link #restoreSteps})} */
    public long steps() {
        return steps;
    }

    /**
     * {@return the named state arrays (PyTorch's names, e.g. {@code exp_avg}), each indexed like
     * {@code store.values()}; empty for plain SGD} The arrays are live: a checkpoint reads and restores them in place.
     */
    public abstract Map<String, float[]> stateArrays();

    /**
     * Restores the step count (state arrays are restored by copying into {@link #stateArrays()}).
     *
     * @param steps the steps taken before the checkpoint
     */
    public void restoreSteps(long steps) {
        this.steps = steps;
    }

    /**
     * Builds a {@link #stateArrays()} result keeping the given order.
     *
     * @param kv alternating names ({@code String}) and arrays ({@code float[]})
     * @return the name-to-array map
     */
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
