package dev.vecprop.jmh;

import dev.vecprop.data.Augmentation;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Augmentation throughput on MNIST-sized batches (64 x 28 x 28), one thread, in samples/s: compare
 * with the training step's samples/s (TrainStepBench) to see what augmenting costs.
 *
 * <pre>./vecprop jmh AugmentationBench</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class AugmentationBench {
    @Param({"shift=2,rotate=10,scale=0.1", "shift=2,rotate=10,scale=0.1,elastic,erase"})
    public String spec;

    Augmentation aug;
    float[] x;
    long step;

    @Setup
    public void setup() {
        aug = Augmentation.parse(spec);
        x = new float[64 * 784];
        Random r = new Random(1);
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat();
        }
    }

    @Benchmark
    @OperationsPerInvocation(64)
    public float[] batch64() {
        aug.apply(x, 0, 64, 28, 28, 0f, 1, step++, null);
        return x;
    }
}
