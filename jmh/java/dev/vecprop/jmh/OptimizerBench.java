package dev.vecprop.jmh;

import dev.vecprop.kernel.OptimizerKernels;
import dev.vecprop.kernel.OptimizerKernelsRef;
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
 * One optimizer update over the MLP's 235,146 parameters ({@link OptimizerKernels}, whose vector
 * half is OptimizerKernelsVector) against the scalar twin ({@link OptimizerKernelsRef}). The update
 * streams p, g and the moments (~7.5 MB for Adam), so it is memory-bound beyond L2.
 *
 * <pre>./vecprop jmh OptimizerBench</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class OptimizerBench {
    @Param({"235146"})
    public int n;

    float[] p;
    float[] g;
    float[] m;
    float[] v;
    long t;

    @Setup
    public void setup() {
        Random r = new Random(1);
        p = new float[n];
        g = new float[n];
        m = new float[n];
        v = new float[n];
        for (int i = 0; i < n; i++) {
            p[i] = (float) r.nextGaussian();
        }
    }

    @Benchmark
    public float[] adam() {
        OptimizerKernels.adam(p, g, m, v, 0, n, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, false, ++t);
        return p;
    }

    @Benchmark
    public float[] adamScalar() {
        OptimizerKernelsRef.adam(p, g, m, v, 0, n, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, false, ++t);
        return p;
    }

    @Benchmark
    public float[] sgdMomentum() {
        OptimizerKernels.sgd(p, g, m, 0, n, 1e-2f, 0.9f, 0f, false, 0f, false);
        return p;
    }
}
