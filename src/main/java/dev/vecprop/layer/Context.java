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
    private PaddingMask paddingMask;

    static {
        dev.vecprop.internal.ContextAccess.register(Context::new);
    }

    Context(WorkerPool pool, boolean training, long seed) {
        this.pool = pool == null ? WorkerPool.serial() : pool;
        this.training = training;
        this.seed = seed;
    }

    /** {@return a new eval-mode context (seed 0, step 0) that runs on the caller's thread} */
    public static Context inference() {
        return new Context(null, false, 0);
    }

    /**
     * {@return a new training-mode context (step 0) that runs on the caller's thread}
     *
     * @param seed the seed of the dropout masks
     */
    public static Context training(long seed) {
        return new Context(null, true, seed);
    }

    WorkerPool pool() {
        return pool;
    }

    /** {@return whether this is a training pass (dropout active, batch norm uses batch statistics)} */
    public boolean training() {
        return training;
    }

    /**
     * Switches between training and eval mode.
     *
     * @param t true for training mode, false for eval mode
     * @return this context
     */
    public Context training(boolean t) {
        this.training = t;
        return this;
    }

    /** {@return the seed of the dropout masks} */
    public long seed() {
        return seed;
    }

    /**
     * {@return the training step (mini-batch counter); dropout masks are a function of
     * (seed, step, layer, element)}
     */
    public long step() {
        return step;
    }

    /**
     * Sets the training step, which selects the dropout masks of the next passes.
     *
     * @param s the mini-batch counter
     * @return this context
     */
    public Context step(long s) {
        this.step = s;
        return this;
    }

    /**
     * {@return whether backward accumulates parameter gradients (true by default; false: input
     * gradients only, e.g. for attacks)}
     */
    public boolean paramGrads() {
        return paramGrads;
    }

    /**
     * Turns the accumulation of parameter gradients in backward on or off.
     *
     * @param on false to compute input gradients only
     * @return this context
     */
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
     *
     * @return whether every parameter gradient is known to be zero
     */
    public boolean gradsZero() {
        return gradsZero;
    }

    /**
     * Promises (or withdraws the promise) that every parameter gradient is zero; see {@link #gradsZero()}.
     *
     * @param zero true only if every parameter gradient is zero right now
     * @return this context
     */
    public Context gradsZero(boolean zero) {
        this.gradsZero = zero;
        return this;
    }

    /**
     * {@return where the model's layers report their forward/backward wall time; null (the default)
     * times nothing}
     */
    public LayerProfile profile() {
        return profile;
    }

    /**
     * Sets where the model's top-level layers report their wall time.
     *
     * @param p a profile with a slot per top-level layer, or null to stop timing
     * @return this context
     */
    public Context profile(LayerProfile p) {
        this.profile = p;
        return this;
    }

    /**
     * {@return which time steps of the batch are padding, for sequence layers (attention, mean over
     * time, the recurrent layers); null (the default) when every step is valid}
     */
    public PaddingMask paddingMask() {
        return paddingMask;
    }

    /**
     * Sets which time steps of the next passes' batch are padding (see {@link PaddingMask}); the
     * sequence layers check that it is {@code (batch, their time steps)}. The mask is read, not
     * copied, at every pass. Recurrent layers ({@link LSTM}, {@link GRU}) need each sequence padded
     * at its end ({@link PaddingMask#ofLengths}) and stop its recurrence after its valid steps.
     *
     * @param m the mask, or null when every step is valid
     * @return this context
     */
    public Context paddingMask(PaddingMask m) {
        this.paddingMask = m;
        return this;
    }

    /**
     * Sets the seed of the dropout masks.
     *
     * @param s the seed
     * @return this context
     */
    public Context seed(long s) {
        this.seed = s;
        return this;
    }
}
