package dev.vecprop.jmh;

import dev.vecprop.concurrent.WorkerPool;
import dev.vecprop.layer.Context;
import dev.vecprop.layer.Conv2d;
import dev.vecprop.layer.Sequential;
import dev.vecprop.layer.Shape;
import dev.vecprop.layer.Workspace;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Conv2d forward and backward (weight + input gradients) at batch 64 on the presets' shapes:
 * {@code convnet2} = ConvNet's 32->64 3x3 on 26x26 (the bulk of its FLOPs), {@code convnet1} =
 * 1->32 3x3 on 28x28 (no input gradient: it is the first layer), {@code lenet1} = 1->6 5x5 on 28x28,
 * {@code lenet2} = 6->16 5x5 on 12x12. Secondary result {@code flops}: FLOP/s of the GEMMs
 * (2 per multiply-add; backward counts the weight and, where computed, the input gradient).
 *
 * <pre>./vecprop jmh Conv2dBench</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
@State(Scope.Benchmark)
public class Conv2dBench {

    @Param({"convnet2", "convnet1", "lenet1", "lenet2"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    @Param({"64"})
    public int batch;

    Sequential model;
    Workspace ws;
    Context ctx;
    WorkerPool pool;
    float[] x;
    float[] dx;
    boolean firstLayer;
    long macs;

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public long flops;

        @Setup(Level.Iteration)
        public void reset() {
            flops = 0;
        }
    }

    @Setup
    public void setup() {
        pool = new WorkerPool(threads);
        Conv2d conv;
        Shape in;
        switch (shape) {
            case "convnet2" -> { conv = new Conv2d(32, 64, 3); in = Shape.of(32, 26, 26); }
            case "convnet1" -> { conv = new Conv2d(1, 32, 3); in = Shape.of(1, 28, 28); firstLayer = true; }
            case "lenet1" -> { conv = new Conv2d(1, 6, 5); in = Shape.of(1, 28, 28); firstLayer = true; }
            case "lenet2" -> { conv = new Conv2d(6, 16, 5); in = Shape.of(6, 12, 12); }
            default -> throw new IllegalArgumentException(shape);
        }
        model = new Sequential(in, conv);
        model.initialize(1);
        macs = conv.forwardMacs() * batch;
        ws = model.workspace(batch);
        ctx = dev.vecprop.internal.ContextAccess.create(pool, true, 1);
        SplittableRandom rnd = new SplittableRandom(3);
        x = new float[batch * in.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextDouble();
        }
        dx = firstLayer ? null : new float[x.length];
        int n = batch * model.outputShape().size();
        for (int i = 0; i < n; i++) {
            ws.data()[ws.outputGradOffset() + i] = (float) (rnd.nextDouble() - 0.5);
        }
    }

    @TearDown
    public void close() {
        pool.close();
    }

    @Benchmark
    public float forward(Counters c) {
        int yo = model.forward(ctx, ws, x, 0, batch);
        c.flops += 2 * macs;
        return ws.data()[yo];
    }

    @Benchmark
    public float backward(Counters c) {
        model.backward(ctx, ws, x, 0, batch, dx, 0);
        c.flops += 2 * macs * (firstLayer ? 1 : 2);
        return model.params().grads()[0];
    }
}
