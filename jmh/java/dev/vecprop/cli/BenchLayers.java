package dev.vecprop.cli;

import dev.vecprop.concurrent.WorkerPool;
import dev.vecprop.layer.Context;
import dev.vecprop.layer.Layer;
import dev.vecprop.layer.LayerProfile;
import dev.vecprop.layer.Sequential;
import dev.vecprop.layer.Workspace;
import dev.vecprop.loss.SoftmaxCrossEntropy;
import dev.vecprop.loss.Targets;
import dev.vecprop.simd.GemmTiling;
import dev.vecprop.simd.Simd;
import dev.vecprop.train.ModelSpec;

import dev.vecprop.data.IdxDataset;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code vecprop bench layers}: where one training step's time goes. Runs forward, loss and backward
 * (no optimizer) on random inputs or real batches (MNIST: its blank pixels let the first layer skip
 * features) for a few seconds and prints, per top-level layer, the wall time of
 * its forward and backward per step, its share of the step, and for the matrix-product layers
 * (Linear, Conv2d) their GFLOP/s (forward 1x, backward 2x the forward multiply-adds; the first
 * layer computes no input gradient).
 */
final class BenchLayers {
    private BenchLayers() {}

    /** Batches cycled through when the inputs come from a dataset. */
    private static final int DATA_BATCHES = 16;

    /**
     * @param data {@code random} (uniform inputs, random labels) or a dataset name ({@code mnist},
     *             {@code fashion-mnist}): {@value #DATA_BATCHES} batches of its training images,
     *             scaled as {@code vecprop train} does by default
     */
    static int run(String arch, int batch, int threads, double seconds, String data, PrintStream out) {
        ModelSpec spec = ModelSpec.parse(arch, "relu", 0, false);
        Sequential model = spec.build();
        model.initialize(1);
        int in = model.inputShape().size();
        int classes = model.outputShape().size();
        SplittableRandom rnd = new SplittableRandom(7);
        float[] x;
        int[] labels;
        if (data.equals("random")) {
            x = new float[batch * in];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rnd.nextDouble();
            }
            labels = new int[batch];
            for (int i = 0; i < batch; i++) {
                labels[i] = rnd.nextInt(classes);
            }
        } else {
            x = new float[DATA_BATCHES * batch * in];
            labels = new int[DATA_BATCHES * batch];
            try (DataOptions d = DataOptions.open("bench layers", data, null, 0, out)) {
                IdxDataset train = d.train();
                if (train.itemSize() != in) {
                    throw new UsageException("bench layers: " + data + " samples have " + train.itemSize()
                            + " values, the model takes " + in);
                }
                double[] ms = train.pixelStats(); // as vecprop train's default --normalize scale
                train.normalize(0f, (float) ms[1]);
                for (int b = 0; b < DATA_BATCHES; b++) {
                    int from = rnd.nextInt(train.size() - batch + 1);
                    train.gather(null, from, batch, x, b * batch * in, labels, b * batch);
                }
            }
        }
        int batches = x.length / (batch * in);
        Targets[] t = new Targets[batches];
        for (int b = 0; b < batches; b++) {
            t[b] = Targets.labels(labels, b * batch);
        }
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        List<Layer> layers = model.layers();
        LayerProfile prof = new LayerProfile(layers.size());
        out.println("vector " + Simd.describe() + "; tile " + GemmTiling.describe() + "; model " + spec
                + "; batch " + batch + "; threads " + threads);
        try (WorkerPool pool = new WorkerPool(threads)) {
            Context ctx = dev.vecprop.internal.ContextAccess.create(pool, true, 1);
            Workspace ws = model.workspace(batch);
            long warmEnd = System.nanoTime() + (long) (Math.min(3, seconds) * 1e9);
            long step = 0;
            while (System.nanoTime() < warmEnd) {
                step(model, ctx.step(step), ws, x, (int) (step % batches) * batch * in, batch, loss,
                        t[(int) (step++ % batches)], classes);
            }
            ctx.profile(prof);


            long steps = 0;
            long t0 = System.nanoTime();
            long end = t0 + (long) (seconds * 1e9);
            do {
                step(model, ctx.step(step), ws, x, (int) (step % batches) * batch * in, batch, loss,
                        t[(int) (step++ % batches)], classes);
                steps++;
            } while (System.nanoTime() < end);
            long total = System.nanoTime() - t0;
            out.printf("%-4s %-36s %10s %10s %7s %9s%n", "#", "layer", "fwd us", "bwd us", "share", "GFLOP/s");
            double perStep = total / 1e3 / steps;
            for (int i = 0; i < layers.size(); i++) {
                Layer l = layers.get(i);
                double f = prof.forwardNanos(i) / 1e3 / steps;
                double b = prof.backwardNanos(i) / 1e3 / steps;
                long macs = l.forwardMacs() * batch;
                String gf = "";
                if (macs > 0 && f + b > 0) {
                    long flops = 2 * macs * (i == 0 ? 2 : 3);
                    gf = String.format("%.1f", flops / ((f + b) * 1e3));
                }
                out.printf("%-4d %-36s %10.1f %10.1f %6.1f%% %9s%n", i, truncate(l.describe(), 36), f, b,
                        100 * (f + b) / perStep, gf);
            }
            out.printf("step %.1f us (%d steps): %.0f samples/s%n", perStep, steps, batch * 1e6 / perStep);
            convPasses(layers, batch, pool, threads, out);
            BenchAttention.run(layers, batch, pool, out);
        }
        return 0;
    }

    private static void step(Sequential model, Context ctx, Workspace ws, float[] x, int xo, int batch,
                             SoftmaxCrossEntropy loss, Targets t, int classes) {
        int yo = model.forward(ctx, ws, x, xo, batch);
        loss.compute(ws.data(), yo, batch, classes, t, ws.data(), ws.outputGradOffset());
        model.params().zeroGrads();
        model.backward(ctx.gradsZero(true), ws, x, xo, batch, null, 0); // as in training: the optimizer leaves them zero
    }

    /** Rounds of the per-pass convolution table: each times one FMA-peak block, then every pass once. */
    private static final int PASS_ROUNDS = 5;
    private static final double PASS_SECONDS = 0.3;

    /**
     * Each Conv2d's three passes timed apart — forward, input gradient (backward without parameter
     * gradients), weight and bias gradient (backward without dx) — on random data of the layer's
     * shapes, interleaved with FMA-peak blocks: the median GFLOP/s over rounds and the median of each
     * round's fraction of that round's peak (1 thread: CPU time, as bench gemm; more: wall time, the
     * peak times the threads).
     */
    private static void convPasses(List<Layer> layers, int batch, WorkerPool pool, int threads, PrintStream out) {
        List<Integer> convs = new java.util.ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i) instanceof dev.vecprop.layer.Conv2d) {
                convs.add(i);
            }
        }
        if (convs.isEmpty() || !Simd.ENABLED) {
            return;
        }
        String[] passes = {"forward", "input grad", "weight grad"};
        int n = convs.size() * passes.length;
        double[][] gf = new double[n][PASS_ROUNDS];
        double[][] frac = new double[n][PASS_ROUNDS];
        double[] peak = new double[PASS_ROUNDS];
        SplittableRandom rnd = new SplittableRandom(11);
        List<Runnable> calls = new java.util.ArrayList<>();
        for (int li : convs) {
            dev.vecprop.layer.Conv2d c = (dev.vecprop.layer.Conv2d) layers.get(li);
            int in = c.inputShape().size();
            int outN = c.outputShape().size();
            float[] x = new float[batch * in];
            float[] y = new float[batch * outN];
            float[] dy = new float[batch * outN];
            float[] dx = new float[batch * in];
            float[] ws = new float[c.workspaceSize(batch)];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rnd.nextDouble();
            }
            for (int i = 0; i < dy.length; i++) {
                dy[i] = (float) (rnd.nextDouble() - 0.5);
            }
            // contexts are mutable: one each
            Context ctx = dev.vecprop.internal.ContextAccess.create(pool, true, 1);
            Context input = dev.vecprop.internal.ContextAccess.create(pool, true, 1).paramGrads(false);
            Context weights = dev.vecprop.internal.ContextAccess.create(pool, true, 1).gradsZero(false);
            calls.add(() -> c.forward(ctx, batch, x, 0, y, 0, ws, 0));
            calls.add(() -> c.backward(input, batch, x, 0, y, 0, dy, 0, dx, 0, ws, 0));
            calls.add(() -> c.backward(weights, batch, x, 0, y, 0, dy, 0, null, 0, ws, 0));
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (int r = 0; r < PASS_ROUNDS; r++) {
            peak[r] = BenchCommand.fmaPeakBlock(PASS_SECONDS, r);
            for (int i = 0; i < n; i++) {
                dev.vecprop.layer.Conv2d c = (dev.vecprop.layer.Conv2d) layers.get(convs.get(i / passes.length));
                double flops = 2.0 * c.forwardMacs() * batch;
                Runnable call = calls.get(i);
                call.run();
                long reps = 0;
                long w0 = System.nanoTime();
                long c0 = mx.getCurrentThreadCpuTime();
                long w;
                do {
                    call.run();
                    reps++;
                    w = System.nanoTime();
                } while (w - w0 < PASS_SECONDS * 1e9);
                double nanos = threads == 1 ? mx.getCurrentThreadCpuTime() - c0 : w - w0;
                gf[i][r] = flops * reps / nanos;
                frac[i][r] = gf[i][r] / (peak[r] * threads);
            }
        }
        out.printf("Conv2d passes (median of %d rounds; FMA peak %.1f GFLOP/s per core, measured between them):%n",
                PASS_ROUNDS, BenchCommand.median(peak));
        out.printf("%-4s %-36s %-12s %9s %8s%n", "#", "layer", "pass", "GFLOP/s", "of peak");
        for (int i = 0; i < n; i++) {
            int li = convs.get(i / passes.length);
            out.printf("%-4d %-36s %-12s %9.1f %7.0f%%%n", li, truncate(layers.get(li).describe(), 36),
                    passes[i % passes.length], BenchCommand.median(gf[i]), 100 * BenchCommand.median(frac[i]));
        }
    }

    private static String truncate(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "~";
    }
}
