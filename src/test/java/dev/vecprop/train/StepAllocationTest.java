package dev.vecprop.train;

import dev.vecprop.concurrent.WorkerPool;
import dev.vecprop.layer.Context;
import dev.vecprop.layer.Sequential;
import dev.vecprop.layer.Workspace;
import dev.vecprop.loss.SoftmaxCrossEntropy;
import dev.vecprop.loss.Targets;
import dev.vecprop.optim.Adam;
import dev.vecprop.optim.Optimizer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A warm training step (forward, loss, backward, Adam) allocates nothing, on the kernels this machine
 * runs (a vector passed to a helper C2 does not inline is boxed: this catches it), at 1 and 2 threads,
 * for the MLP (dense GEMMs and the zero-skipping ones on blank pixels), a small CNN (convolution,
 * pooling, dropout) with sigmoid and tanh heads, the recurrent presets (LSTM, GRU: per-step GEMMs and
 * cells) and the sequential-MNIST Transformer (attention, layer norm; with a padding mask at 2 threads).
 */
@org.junit.jupiter.api.Tag("allocation")
class StepAllocationTest {
    @ParameterizedTest(name = "{0} act={1} dropout={2}, {3} thread(s)")
    @CsvSource({"784-256-128-10, relu, 0, 1", "784-256-128-10, relu, 0, 2", "784-64-10, sigmoid, 0.2, 1",
            "784-64-10, tanh, 0, 1", "conv8x3-relu-maxpool2-fc10, relu, 0, 1", "conv8x3-relu-maxpool2-dropout0.25-fc10, relu, 0, 2",
            "lstm, relu, 0, 1", "gru, relu, 0, 2", "transformer, relu, 0, 1", "transformer, relu, 0, 2"})
    void aWarmStepAllocatesNothing(String arch, String act, double dropout, int threads) {
        Sequential m = ModelSpec.parse(arch, act, dropout, false).build();
        int batch = 64;
        int in = m.inputShape().size();
        Random r = new Random(3);
        float[] x = new float[batch * in];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextInt(5) == 0 ? r.nextFloat() : 0f; // MNIST-like: blank pixels
        }
        int[] labels = new int[batch];
        for (int i = 0; i < batch; i++) {
            labels[i] = r.nextInt(10);
        }
        Targets t = Targets.labels(labels, 0);
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        try (WorkerPool pool = new WorkerPool(threads)) {
            Workspace ws = m.workspace(batch);
            Context ctx = dev.vecprop.internal.ContextAccess.create(pool, true, 1);
            if (threads == 2 && arch.equals("transformer")) { // a variable-length batch: the masked paths too
                int[] lengths = new int[batch];
                for (int i = 0; i < batch; i++) {
                    lengths[i] = 1 + r.nextInt(28);
                }
                ctx.paddingMask(dev.vecprop.layer.PaddingMask.ofLengths(28, lengths));
            }
            Optimizer opt = Adam.options().create(m.params());
            opt.parallel(pool);
            Runnable step = () -> {
                int yo = m.forward(ctx, ws, x, 0, batch);
                loss.compute(ws.data(), yo, batch, 10, t, ws.data(), ws.outputGradOffset());
                m.backward(ctx.gradsZero(true), ws, x, 0, batch, null, 0);
                opt.step(1e-4f);
            };
            com.sun.management.ThreadMXBean mx =
                    (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            // steady state: after a warm-up, windows of 100 steps until one allocates nothing (the JIT
            // may take a few thousand steps to compile every kernel with C2; C1 code boxes vectors),
            // within a budget; a kernel that boxes in C2 code never gets there
            long perStep = Long.MAX_VALUE;
            for (int i = 0; i < 400; i++) {
                step.run();
            }
            for (int window = 0; window < 80 && perStep >= 64; window++) {
                long before = mx.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 100; i++) {
                    step.run();
                }
                perStep = (mx.getCurrentThreadAllocatedBytes() - before) / 100;
            }
            // the caller's thread only (workers have their own counters); a boxed accumulator is >= 64 B
            // and a kernel boxes thousands per step
            assertThat(perStep).as("bytes per step once warm").isLessThan(64);
        }
    }
}
