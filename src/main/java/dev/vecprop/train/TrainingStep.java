package dev.vecprop.train;

import dev.vecprop.ConfigException;
import dev.vecprop.concurrent.WorkerPool;
import dev.vecprop.data.DataSource;
import dev.vecprop.internal.ContextAccess;
import dev.vecprop.layer.Context;
import dev.vecprop.layer.Sequential;
import dev.vecprop.layer.Workspace;
import dev.vecprop.loss.Loss;
import dev.vecprop.optim.Optimizer;
import dev.vecprop.optim.OptimizerFactory;
import dev.vecprop.tensor.ParameterStore;

/**
 * One optimizer step of a {@link Trainer} taken apart into its two halves, for callers that
 * combine gradients across processes (data-parallel training, e.g. vecprop-spark):
 * {@link #accumulate} adds a share of a batch's gradient to {@code model.params().grads()} without
 * updating anything, and {@link #apply} runs the optimizer on whatever the gradient array then holds.
 *
 * <pre>
 *   try (TrainingStep s = TrainingStep.of(model, data, loss, Adam.options(), 1, seed)) {
 *       Shuffle.permutation(order, seed, epoch, true);
 *       s.accumulate(order, from, batch, from, batch, step);   // the whole batch: as Trainer.fit
 *       s.apply(lr);                                            // update, gradients zeroed
 *   }
 * </pre>
 *
 * <p>The gradient of a batch of {@code B} samples is the gradient of its mean loss,
 * {@code (1/B) Σ ∇l_i}; a call for {@code count} of its samples adds {@code (1/B) Σ ∇l_i} over
 * those samples, computed in micro-batches of at most 1024 like the trainer's. One call for the
 * whole batch followed by {@link #apply} is bit-for-bit the trainer's step (same seed, same
 * order, no penalties, clipping, augmentation or attacks); shares summed in a fixed order give the
 * same gradient to float rounding. Dropout masks are drawn per (step, micro-batch position), as in
 * the trainer, so a share that does not start at a multiple of 1024 positions draws other masks than
 * one process would.
 *
 * <p>Not thread-safe: one step object per thread, over its own model. Nothing is allocated per call.
 */
public final class TrainingStep implements AutoCloseable {
    private final Sequential model;
    private final DataSource data;
    private final Loss loss;
    private final Task task;
    private final WorkerPool pool;
    private final Optimizer optimizer;
    private final Workspace ws;
    private final float[] x;
    private final Context ctx;
    private long correct;
    private long seen;

    private TrainingStep(Sequential model, DataSource data, Loss loss, OptimizerFactory optimizer, int threads, long seed) {
        this.model = model;
        this.data = data;
        this.loss = loss;
        int micro = Math.min(Trainer.MICRO, data.size());
        this.task = Task.of(model, data, loss, micro, "training data");
        this.pool = new WorkerPool(threads);
        this.optimizer = optimizer.create(model.params());
        this.optimizer.parallel(pool);
        this.ws = model.workspace(micro);
        this.x = new float[micro * data.sampleShape().size()];
        this.ctx = ContextAccess.create(pool, true, seed);
        model.params().zeroGrads();
    }

    /**
     * Prepares steps of {@code model} on {@code data}; the model's gradients are zeroed.
     *
     * @param model     the model whose parameters and gradients the steps use
     * @param data      the samples {@link #accumulate} reads (by index)
     * @param loss      the loss to minimise
     * @param optimizer the optimizer {@link #apply} runs, created here over {@code model.params()}
     * @param threads   worker threads of the kernels and the update, 1..256 (results do not depend on it)
     * @param seed      the seed of the dropout masks (the trainer's seed)
     * @return the step object; close it to stop its worker threads
     * @throws ConfigException if an argument is null, {@code threads} is out of range, or the data do not fit the model
     */
    public static TrainingStep of(Sequential model, DataSource data, Loss loss, OptimizerFactory optimizer,
                                  int threads, long seed) {
        dev.vecprop.internal.Require.notNull(model, "TrainingStep: the model");
        dev.vecprop.internal.Require.notNull(data, "TrainingStep: the data");
        dev.vecprop.internal.Require.notNull(loss, "TrainingStep: the loss");
        dev.vecprop.internal.Require.notNull(optimizer, "TrainingStep: the optimizer");
        Trainer.checkThreads(threads);
        return new TrainingStep(model, data, loss, optimizer, threads, seed);
    }

    /**
     * Adds the gradient contributed by samples {@code order[from .. from+count)} of the batch
     * {@code order[batchFrom .. batchFrom+batchSize)} to {@code params().grads()}: the gradient of
     * {@code (1/batchSize) Σ l_i} over those samples. Parameters are not changed.
     *
     * @param order     sample indices into the data (e.g. an epoch's {@link Shuffle#permutation}), or
     *                  null for consecutive samples
     * @param batchFrom the batch's first position in {@code order}
     * @param batchSize the batch's size {@code B}, the divisor of the mean loss
     * @param from      the first position of this share, in {@code [batchFrom, batchFrom + batchSize)}
     * @param count     the samples in this share, {@code >= 1}, ending inside the batch
     * @param step      the optimizer step this batch belongs to (counted from 0; seeds dropout masks)
     * @return this share's part of the batch's mean loss, {@code (1/batchSize) Σ l_i}
     * @throws ConfigException if the share lies outside the batch or the batch outside {@code order} or the data
     */
    public double accumulate(int[] order, int batchFrom, int batchSize, int from, int count, long step) {
        int n = order == null ? data.size() : order.length;
        if (batchSize < 1 || batchFrom < 0 || (long) batchFrom + batchSize > n || count < 1 || from < batchFrom
                || (long) from + count > (long) batchFrom + batchSize) {
            throw new ConfigException("accumulate: share [" + from + ", " + ((long) from + count) + ") must lie in the batch ["
                    + batchFrom + ", " + ((long) batchFrom + batchSize) + ") of " + n + " positions");
        }
        int micro = ws.maxBatch();
        double sum = 0;
        for (int m0 = 0; m0 < count; m0 += micro) {
            int mb = Math.min(micro, count - m0);
            task.gather(data, order, from + m0, mb, x);
            ctx.step(step * 4096 + (from - batchFrom + m0) / micro);
            int yo = model.forward(ctx, ws, x, 0, mb);
            float[] d = ws.data();
            if (task.kind != Task.Kind.REGRESS) {
                for (int i = 0; i < mb; i++) {
                    if (task.predict(d, yo + i * task.outputs) == task.labels[i]) {
                        correct++;
                    }
                }
                seen += mb;
            }
            double l = loss.compute(d, yo, mb, task.outputs, task.targets, d, ws.outputGradOffset());
            float scale = (float) ((double) mb / batchSize);
            if (scale != 1f) {
                int go = ws.outputGradOffset();
                for (int k = 0; k < mb * task.outputs; k++) {
                    d[go + k] *= scale;
                }
            }
            model.backward(ctx.gradsZero(false), ws, x, 0, mb, null, 0);
            sum += l * mb / batchSize;
        }
        return sum;
    }

    /**
     * Runs one optimizer update from the gradients {@code params().grads()} now holds (accumulated
     * here, or written by the caller, e.g. the sum of several processes' shares), then zeroes them.
     *
     * @param lr the learning rate of this step, finite and {@code >= 0}
     * @throws ConfigException if {@code lr} is negative, NaN or infinite
     */
    public void apply(float lr) {
        optimizer.step(lr);
    }

    /** {@return the optimizer {@link #apply} runs: its state arrays and step count are live (for averaging and checkpoints)} */
    public Optimizer optimizer() {
        return optimizer;
    }

    /** {@return the model's parameter store: flat values, gradients and buffers (not copies)} */
    public ParameterStore params() {
        return model.params();
    }

    /** {@return training samples {@link #accumulate} classified correctly (before the update) since the last {@link #resetCounts}} */
    public long correct() {
        return correct;
    }

    /** {@return labelled samples {@link #accumulate} has seen since the last {@link #resetCounts}} */
    public long seen() {
        return seen;
    }

    /** Sets {@link #correct()} and {@link #seen()} back to 0. */
    public void resetCounts() {
        correct = 0;
        seen = 0;
    }

    /** Stops the worker threads. */
    @Override
    public void close() {
        pool.close();
    }
}
