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

    private static String truncate(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "~";
    }
}
