package dev.vecprop.jmh;

import dev.vecprop.concurrent.WorkerPool;
import dev.vecprop.layer.Context;
import dev.vecprop.layer.Linear;
import dev.vecprop.layer.ReLU;
import dev.vecprop.layer.Sequential;
import dev.vecprop.layer.Shape;
import dev.vecprop.layer.Workspace;
import dev.vecprop.loss.SoftmaxCrossEntropy;
import dev.vecprop.loss.Targets;
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

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * One forward + softmax-cross-entropy + backward of the tutorial's MLP 784-256-128-10 at batch 64
 * (the parameter update is not included here). Secondary results: {@code samples} (samples/s) and
 * {@code flops} (FLOP/s, 1,007,104 FLOPs per sample: the GEMMs of the anchors' count).
 *
 * <pre>./vecprop jmh TrainStepBench -prof gc</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
@State(Scope.Benchmark)
public class TrainStepBench {
    static final long FLOPS_PER_SAMPLE = 1_007_104L;

    @Param({"64"})
    public int batch;

    @Param({"1", "2"})
    public int threads;

    Sequential model;
    Workspace ws;
    Context ctx;
    WorkerPool pool;
    float[] x;
    int[] labels;
    Targets targets;
    SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public long samples;
        public long flops;

        @Setup(Level.Iteration)
        public void reset() {
            samples = 0;
            flops = 0;
        }
    }

    @Setup
    public void setup() {
        pool = new WorkerPool(threads);
        model = new Sequential(Shape.of(784), new Linear(784, 256), new ReLU(), new Linear(256, 128), new ReLU(),
                new Linear(128, 10));
        model.initialize(1);
        ws = model.workspace(batch);
        ctx = dev.vecprop.internal.ContextAccess.create(pool, true, 1);
        Random r = new Random(2);
        x = new float[batch * 784];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat();
        }
        labels = new int[batch];
        for (int i = 0; i < batch; i++) {
            labels[i] = r.nextInt(10);
        }
        targets = Targets.labels(labels, 0);
    }

    @TearDown
    public void close() {
        pool.close();
    }

    @Benchmark
    public double forwardBackward(Counters c) {
        model.params().zeroGrads();
        int yo = model.forward(ctx, ws, x, 0, batch);
        double l = loss.compute(ws.data(), yo, batch, 10, targets, ws.data(), ws.outputGradOffset());
        model.backward(ctx.gradsZero(true), ws, x, 0, batch, null, 0); // zeroed above, as Adam leaves them
        c.samples += batch;
        c.flops += FLOPS_PER_SAMPLE * batch;
        return l;
    }
}
