package dev.vecprop.jmh;

import dev.vecprop.layer.Sequential;
import dev.vecprop.train.InferenceSession;
import dev.vecprop.train.ModelSpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Serving the MNIST MLP (784-256-128-10) through one shared {@link InferenceSession}:
 * single-sample latency (SampleTime: JMH prints p50/p90/p99/p99.9) from 1 and 2 request threads,
 * and batched throughput (batches of 1000, samples/s = ops/s x 1000 via OperationsPerInvocation).
 *
 * <pre>./vecprop jmh InferenceBench -prof gc</pre>
 */
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
public class InferenceBench {

    @State(Scope.Benchmark)
    public static class Model {
        InferenceSession session;
        float[][] samples;
        float[] batch;

        @Setup
        public void setup() {
            Sequential m = ModelSpec.parse("784-256-128-10", "relu", 0, false).build();
            m.initialize(1);
            session = new InferenceSession(m, 1000, new dev.vecprop.data.Normalization(0.1307f, 0.3081f));
            Random r = new Random(1);
            samples = new float[64][784];
            for (float[] s : samples) {
                for (int i = 0; i < 784; i++) {
                    s[i] = r.nextFloat();
                }
            }
            batch = new float[1000 * 784];
            for (int i = 0; i < batch.length; i++) {
                batch[i] = r.nextFloat();
            }
        }
    }

    @State(Scope.Thread)
    public static class Cursor {
        int i;
        int[] labels = new int[1000];
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Threads(1)
    public int latency1Thread(Model m, Cursor c) {
        return m.session.predict(m.samples[c.i++ & 63]);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Threads(2)
    public int latency2Threads(Model m, Cursor c) {
        return m.session.predict(m.samples[c.i++ & 63]);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(1000)
    @Threads(1)
    public int[] batch1000OneThread(Model m, Cursor c) {
        m.session.predictBatch(m.batch, 1000, c.labels);
        return c.labels;
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(1000)
    @Threads(2)
    public int[] batch1000TwoThreads(Model m, Cursor c) {
        m.session.predictBatch(m.batch, 1000, c.labels);
        return c.labels;
    }
}
