package dev.vecprop.layer;

import dev.vecprop.concurrent.WorkerPool;

/**
 * One pass of a layer (a forward, or one step of a backward) split over the pool's workers in
 * contiguous ranges of independent items — samples, channel planes, elements, blocks of taps — each
 * item written by exactly one worker, so the result does not depend on the split: the "parallel over
 * samples" boilerplate of {@link Conv2d}, {@link MaxPool2d} and {@link ReLU}.
 *
 * <p>A layer implements {@link Body} and runs a pass as
 * <pre>{@code
 *   ParallelPass.get(this, KIND, batch).in(x, xo).out(y, yo).ws(ws, wo).run(ctx.pool(), items, grain, parallel);
 * }</pre>
 * The pass object is the calling thread's own, reused (a pass allocates nothing), and cleared when the
 * pass ends; a body reads its arguments from it. Ranges are whole multiples of {@code grain} items
 * (the last range takes the rest).
 */
final class ParallelPass implements WorkerPool.Task {
    /** The work of a range of items. */
    interface Body {
        /**
         * Processes items {@code [from, to)} of pass {@code p}.
         *
         * @param p    the pass, with its kind and arguments
         * @param from the first item
         * @param to   one past the last item
         */
        void range(ParallelPass p, int from, int to);
    }

    private static final ThreadLocal<ParallelPass> PASS = ThreadLocal.withInitial(ParallelPass::new);

    private Body body;
    private int items;
    private int grain;
    private boolean busy;
    /** What the body is to do (the layer's own constants). */
    int kind;
    /** The pass's samples. */
    int batch;
    /** A flag for the body (e.g. a fused ReLU). */
    boolean flag;
    float[] x;
    int xo;
    float[] y;
    int yo;
    float[] dy;
    int dyo;
    float[] dx;
    int dxo;
    float[] ws;
    int wo;
    /** Per-position flags for the body (a padding mask), or null. */
    boolean[] flags;
    /** The pool, for a body that hands it on (a GEMM splitting its columns when samples are too few). */
    WorkerPool pool;

    private ParallelPass() {}

    /** The calling thread's pass, set to run {@code body}'s {@code kind} over {@code batch} samples. */
    static ParallelPass get(Body body, int kind, int batch) {
        ParallelPass p = PASS.get();
        if (p.busy) {
            throw new IllegalStateException("a layer pass started inside another on the same thread");
        }
        p.body = body;
        p.kind = kind;
        p.batch = batch;
        return p;
    }

    ParallelPass in(float[] a, int off) {
        x = a;
        xo = off;
        return this;
    }

    ParallelPass out(float[] a, int off) {
        y = a;
        yo = off;
        return this;
    }

    ParallelPass grad(float[] a, int off) {
        dy = a;
        dyo = off;
        return this;
    }

    ParallelPass inputGrad(float[] a, int off) {
        dx = a;
        dxo = off;
        return this;
    }

    ParallelPass ws(float[] a, int off) {
        ws = a;
        wo = off;
        return this;
    }

    ParallelPass flags(boolean[] f) {
        flags = f;
        return this;
    }

    ParallelPass flag(boolean f) {
        flag = f;
        return this;
    }

    /**
     * Runs the body over items {@code [0, items)}: split over {@code pool}'s workers when
     * {@code parallel} and the pool has more than one, else on the calling thread in one range.
     */
    void run(WorkerPool pool, int items, int grain, boolean parallel) {
        busy = true;
        this.pool = pool;
        try {
            if (!parallel || pool.threads() == 1 || items <= grain) {
                if (items > 0) {
                    body.range(this, 0, items);
                }
            } else {
                this.items = items;
                this.grain = grain;
                pool.run(this);
            }
        } finally {
            busy = false;
            body = null;
            pool = null;
            flag = false;
            flags = null;
            x = y = dy = dx = ws = null;
        }
    }

    /** {@inheritDoc} Worker {@code worker} takes its share of the grains. */
    @Override
    public void run(int worker, int workers) {
        int units = (items + grain - 1) / grain;
        int from = (int) ((long) units * worker / workers) * grain;
        int to = Math.min(items, (int) ((long) units * (worker + 1) / workers) * grain);
        if (to > from) {
            body.range(this, from, to);
        }
    }
}
