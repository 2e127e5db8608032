package dev.vecprop.layer;

import dev.vecprop.concurrent.WorkerPool;

/**
 * Per-call state of a forward/backward pass: training vs eval mode, the seed and step counter that
 * make dropout deterministic, whether backward accumulates parameter gradients, and (inside the
 * library) the worker pool the built-in kernels split their work over. One per thread; cheap to
 * create. A custom layer reads {@link #training()}, {@link #seed()}, {@link #step()} and
 * {@link #paramGrads()}.
 */
public final class Context {
    private final WorkerPool pool;
    private boolean training;
    private long seed;
    private long step;
    private boolean paramGrads = true;
    private boolean gradsZero;
    private LayerProfile profile;

    static {
        dev.vecprop.internal.ContextAccess.register(Context::new);
    }

    Context(WorkerPool pool, boolean training, long seed) {
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

    WorkerPool pool() {
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

    /**
     * Whether the caller guarantees that every parameter gradient is zero when the next backward
     * starts (right after an optimizer step, which zeroes them, or {@code zeroGrads()}). Layers may
     * then write their gradients instead of adding to them: a dense layer's weight-gradient GEMM
     * runs with beta 0 and never reads the old (zero) values — the same numbers, fewer memory
     * reads. {@link Sequential#backward} clears it, so a second backward in the same step (micro-batches,
     * adversarial passes) accumulates. Off by default; a wrong {@code true} loses gradients.
     */
    public boolean gradsZero() {
        return gradsZero;
    }

    public Context gradsZero(boolean zero) {
        this.gradsZero = zero;
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
