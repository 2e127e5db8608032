package dev.vecprop.cli;

import dev.vecprop.concurrent.WorkerPool;
import dev.vecprop.layer.Context;
import dev.vecprop.layer.Layer;
import dev.vecprop.layer.LayerNorm;
import dev.vecprop.layer.Linear;
import dev.vecprop.layer.MeanOverTime;
import dev.vecprop.layer.MultiheadSelfAttention;
import dev.vecprop.layer.PositionalEmbedding;
import dev.vecprop.layer.Sequential;
import dev.vecprop.layer.Shape;
import dev.vecprop.layer.TransformerEncoderLayer;
import dev.vecprop.layer.Workspace;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * The attention layers of a model that has Transformer blocks, each timed alone at the block's sizes
 * (a one-layer model, forward then backward with the input gradient, for about a second each after a
 * warm-up): forward and backward time per batch and, for the layers with matrix products, GFLOP/s
 * (forward 1x, backward 2x the forward multiply-adds). Part of {@code vecprop bench layers}.
 */
final class BenchAttention {
    private BenchAttention() {}

    static void run(List<Layer> layers, int batch, WorkerPool pool, PrintStream out) {
        TransformerEncoderLayer block = null;
        for (Layer l : layers) {
            if (l instanceof TransformerEncoderLayer t) {
                block = t;
                break;
            }
        }
        if (block == null) {
            return;
        }
        int steps = block.inputShape().dim(0);
        int d = block.dModel();
        int heads = block.heads();
        int ff = block.ff();
        boolean causal = block.causal();
        Shape seq = Shape.of(steps, d);
        List<String> names = new ArrayList<>();
        List<Supplier<Sequential>> models = new ArrayList<>();
        names.add("MultiheadSelfAttention(" + d + ", " + heads + " heads)");
        models.add(() -> new Sequential(seq, new MultiheadSelfAttention(d, heads, causal)));
        names.add("LayerNorm(" + d + ")");
        models.add(() -> new Sequential(seq, new LayerNorm(d)));
        names.add("Linear(" + d + "->" + ff + ") on (T," + d + ")");
        models.add(() -> new Sequential(seq, new Linear(d, ff)));
        names.add("Linear(" + ff + "->" + d + ") on (T," + ff + ")");
        models.add(() -> new Sequential(Shape.of(steps, ff), new Linear(ff, d)));
        names.add("PositionalEmbedding(" + steps + " x " + d + ")");
        models.add(() -> new Sequential(seq, new PositionalEmbedding(steps, d)));
        names.add("MeanOverTime");
        models.add(() -> new Sequential(seq, new MeanOverTime()));
        names.add("TransformerEncoderLayer (whole block)");
        models.add(() -> new Sequential(seq, new TransformerEncoderLayer(d, heads, ff, causal, 1e-5f)));
        out.printf("attention layers alone (T=%d, d=%d, batch %d):%n", steps, d, batch);
        out.printf("%-4s %-40s %10s %10s %9s%n", "#", "layer", "fwd us", "bwd us", "GFLOP/s");
        for (int i = 0; i < models.size(); i++) {
            Sequential m = models.get(i).get();
            double[] t = time(m, batch, pool);
            long macs = m.layers().get(0).forwardMacs() * batch;
            String gf = macs > 0 ? String.format("%.1f", 2.0 * macs * 3 / ((t[0] + t[1]) * 1e3)) : "";
            out.printf("%-4d %-40s %10.1f %10.1f %9s%n", i, names.get(i), t[0], t[1], gf);
        }
    }

    /** {forward us, backward us} per batch: medians of 5 rounds of about 0.2 s each, after 0.5 s of warm-up. */
    private static double[] time(Sequential m, int batch, WorkerPool pool) {
        SplittableRandom rnd = new SplittableRandom(3);
        float[] x = new float[batch * m.inputShape().size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        float[] dx = new float[x.length];
        Workspace ws = m.workspace(batch);
        for (int i = 0; i < batch * m.outputShape().size(); i++) {
            ws.data()[ws.outputGradOffset() + i] = (float) rnd.nextGaussian();
        }
        Context ctx = dev.vecprop.internal.ContextAccess.create(pool, true, 1);
        long warm = System.nanoTime() + 500_000_000L;
        while (System.nanoTime() < warm) {
            m.forward(ctx, ws, x, 0, batch);
            m.backward(ctx, ws, x, 0, batch, dx, 0);
        }
        double[] f = new double[5];
        double[] b = new double[5];
        for (int r = 0; r < 5; r++) {
            long fw = 0;
            long bw = 0;
            int n = 0;
            long end = System.nanoTime() + 200_000_000L;
            while (System.nanoTime() < end) {
                long t0 = System.nanoTime();
                m.forward(ctx, ws, x, 0, batch);
                long t1 = System.nanoTime();
                m.backward(ctx, ws, x, 0, batch, dx, 0);
                bw += System.nanoTime() - t1;
                fw += t1 - t0;
                n++;
            }
            f[r] = fw / 1e3 / n;
            b[r] = bw / 1e3 / n;
        }
        java.util.Arrays.sort(f);
        java.util.Arrays.sort(b);
        return new double[]{f[2], b[2]};
    }
}
