package dev.vecprop.kernel;

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
 * The batch-1 product of a dense layer, one row times W^T in panels: {@code vector} the Vector API
 * kernel ({@link PanelGemvVector}), {@code scalar} its twin ({@link PanelGemv#scalar}), {@code gemm}
 * the GEMM's register-tile path on the same operands (what batch 1 ran before: {@link Sgemm#sgemm},
 * whose loop nest is {@link SgemmJob}). Shapes of the MNIST MLP; {@code zeros} is the share of zero
 * inputs in percent (80: a blank-pixel MNIST image, 0: a dense hidden layer); {@code nonzero*} time the
 * list of non-zero inputs the kernel streams weights for, alone. In the kernel package
 * so that the package-private kernels are reachable.
 *
 * <pre>./vecprop jmh PanelGemvBench</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
public class PanelGemvBench {
    @State(Scope.Thread)
    public static class Operands {
        @Param({"784x256", "256x128", "128x10"})
        public String shape;
        @Param({"80", "0"})
        public int zeros;
        int in;
        int out;
        float[] x;
        float[] w;
        float[] y;
        int[] keep;

        @Setup
        public void setup() {
            String[] p = shape.split("x");
            in = Integer.parseInt(p[0]);
            out = Integer.parseInt(p[1]);
            Random r = new Random(1);
            x = new float[in];
            for (int i = 0; i < in; i++) {
                x[i] = r.nextInt(100) < zeros ? 0f : r.nextFloat();
            }
            float[] wt = new float[in * out];
            for (int i = 0; i < wt.length; i++) {
                wt[i] = (float) r.nextGaussian();
            }
            w = new float[Panels.size(in, out)];
            Panels.pack(wt, 0, out, false, in, out, w, 0);
            y = new float[out];
            keep = new int[in + NonzeroInputs.slack()];
        }
    }

    @Benchmark
    public float vector(Operands o) {
        PanelGemvVector.run(o.in, o.out, o.x, 0, o.w, 0, o.y, 0, Epilogue.NONE);
        return o.y[0];
    }

    /** The list of non-zero inputs alone ({@link NonzeroInputs}): the vector compress form (AVX-512 only). */
    @Benchmark
    public int nonzeroVector(Operands o) {
        return NonzeroInputs.COMPRESS ? NonzeroInputs.vector(o.x, 0, 0, o.in, o.keep) : -1;
    }

    /** The list of non-zero inputs alone: the branch-free scalar twin. */
    @Benchmark
    public int nonzeroScalar(Operands o) {
        return NonzeroInputs.scalar(o.x, 0, 0, o.in, o.keep);
    }

    @Benchmark
    public float scalar(Operands o) {
        PanelGemv.scalar(o.in, o.out, o.x, 0, o.w, 0, o.y, 0, Epilogue.NONE);
        return o.y[0];
    }

    @Benchmark
    public float gemm(Operands o) {
        Sgemm.sgemm(1, o.out, o.in, o.x, 0, o.in, Layout.ROW_MAJOR, o.w, 0, Panels.stride(o.in), Layout.PANELS,
                0f, o.y, 0, o.out, Layout.ROW_MAJOR, Epilogue.NONE, null);
        return o.y[0];
    }
}
