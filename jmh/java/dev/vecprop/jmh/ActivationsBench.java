package dev.vecprop.jmh;

import dev.vecprop.kernel.Activations;
import dev.vecprop.kernel.ActivationsRef;
import dev.vecprop.kernel.RowSoftmax;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Elementwise kernels ({@link Activations}, vector half ActivationsVector) against their scalar twins ({@link ActivationsRef}) on an
 * MLP activation block (batch 64 x 256 features), plus {@link RowSoftmax} on logits (64 x 10).
 * Throughput in calls per microsecond.
 *
 * <pre>./vecprop jmh ActivationsBench</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class ActivationsBench {
    @Param({"16384"})
    public int n;

    float[] x;
    float[] y;
    float[] dy;
    float[] dx;
    float[] sums;

    @Setup
    public void setup() {
        Random r = new Random(1);
        x = new float[n];
        y = new float[n];
        dy = new float[n];
        dx = new float[n];
        sums = new float[256];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
            dy[i] = (float) r.nextGaussian();
        }
    }

    @Benchmark
    public float[] relu() {
        Activations.relu(x, 0, y, 0, n);
        return y;
    }

    @Benchmark
    public float[] reluScalar() {
        ActivationsRef.relu(x, 0, y, 0, n);
        return y;
    }

    @Benchmark
    public float[] reluBackward() {
        Activations.reluBackward(x, 0, dy, 0, dx, 0, n);
        return dx;
    }

    @Benchmark
    public float[] sigmoid() {
        Activations.sigmoid(x, 0, y, 0, n);
        return y;
    }

    @Benchmark
    public float[] sigmoidScalar() {
        ActivationsRef.sigmoid(x, 0, y, 0, n);
        return y;
    }

    @Benchmark
    public float[] tanh() {
        Activations.tanh(x, 0, y, 0, n);
        return y;
    }

    @Benchmark
    public float[] tanhScalar() {
        ActivationsRef.tanh(x, 0, y, 0, n);
        return y;
    }

    @Benchmark
    public float[] gelu() {
        Activations.gelu(x, 0, y, 0, n);
        return y;
    }

    @Benchmark
    public float[] geluScalar() {
        ActivationsRef.gelu(x, 0, y, 0, n);
        return y;
    }

    @Benchmark
    public float[] geluBackward() {
        Activations.geluBackward(x, 0, dy, 0, dx, 0, n);
        return dx;
    }

    @Benchmark
    public float[] columnSums() {
        Activations.columnSumsAccumulate(x, 0, n / 256, 256, sums, 0);
        return sums;
    }

    @Benchmark
    public float[] columnSumsScalar() {
        ActivationsRef.columnSumsAccumulate(x, 0, n / 256, 256, sums, 0);
        return sums;
    }

    @Benchmark
    public float[] softmaxRows64x10() {
        RowSoftmax.softmax(x, 0, y, 0, 64, 10);
        return y;
    }
}
