package dev.vecprop.layer;

import dev.vecprop.concurrent.WorkerPool;

/**
 * Per-call state of a forward/backward pass: the worker pool for the GEMMs, training vs eval mode,
 * and the seed and step counter that make dropout deterministic. One per thread; cheap to create.
 */
public final class Context {
    private final WorkerPool pool;
    private boolean training;
    private long seed;
    private long step;
    private boolean paramGrads = true;
    private LayerProfile profile;

    public Context(WorkerPool pool, boolean training, long seed) {
        this.pool = pool == null ? WorkerPool.serial() : pool;
        this.training = training;
        this.seed = seed;
    }

    /** An eval-mode context on the caller's thread. */
    public static Context inference() {
        return new Context(null, false, 0);
    }

    /** A training context on the caller's thread. */
    public static Context training(long seed) {
        return new Context(null, true, seed);
    }

    public WorkerPool pool() {
        return pool;
    }

    public boolean training() {
        return training;
    }

    public Context training(boolean t) {
        this.training = t;
        return this;
    }

    public long seed() {
        return seed;
    }

    /** The training step (mini-batch counter); dropout masks are a function of (seed, step, layer, element). */
    public long step() {
        return step;
    }

    public Context step(long s) {
        this.step = s;
        return this;
    }

    /** Whether backward accumulates parameter gradients (false: input gradients only, e.g. for attacks). */
    public boolean paramGrads() {
        return paramGrads;
    }

    public Context paramGrads(boolean on) {
        this.paramGrads = on;
        return this;
    }

    /** Where the model's layers report their forward/backward wall time; null (the default) times nothing. */
    public LayerProfile profile() {
        return profile;
    }

    public Context profile(LayerProfile p) {
        this.profile = p;
        return this;
    }

    public Context seed(long s) {
        this.seed = s;
        return this;
    }
}
