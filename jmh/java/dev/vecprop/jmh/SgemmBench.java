package dev.vecprop.jmh;

import dev.vecprop.concurrent.WorkerPool;
import dev.vecprop.kernel.Epilogue;
import dev.vecprop.kernel.Layout;
import dev.vecprop.kernel.Panels;
import dev.vecprop.kernel.Sgemm;
import dev.vecprop.simd.FmaPeak;
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
 * GEMM throughput ({@code Sgemm}; its micro-kernels are SgemmVectorKernels) on the MLP 784-256-128-10 training shapes at batch 64 and on 1024^3, at 1 and 2
 * threads, next to {@link #fmaPeak} (the machine's practical FMA peak, same JVM, same run).
 * The {@code flops} secondary result is in FLOP/s: divide by 1e9 for GFLOP/s.
 *
 * <pre>./vecprop jmh SgemmBench -prof gc</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
public class SgemmBench {

    /** Counts FLOPs per invocation so JMH reports FLOP/s as a secondary metric. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Flops {
        public long flops;

        @Setup(Level.Iteration)
        public void reset() {
            flops = 0;
        }
    }

    @State(Scope.Benchmark)
    public static class Problem {
        /** fwd1: 64x784 . (784x256 packed W^T); fwd2: 64x256 . (256x128 packed); dW1: (784x64)^T-of-X . dY 64x256
         *  into packed panels, beta 1; dX2: 64x256 . W (256x784, packed transposed); sq1024. */
        @Param({"fwd1", "fwd2", "dW1", "dX2", "sq1024"})
        public String shape;

        @Param({"1", "2"})
        public int threads;

        int m, n, k, lda, ldb, ldc;
        Layout al, bl, cl;
        float beta;
        float[] a, b, c;
        WorkerPool pool;

        @Setup
        public void setup() {
            switch (shape) {
                case "fwd1" -> set(64, 256, 784, Layout.ROW_MAJOR, Layout.PANELS, Layout.ROW_MAJOR, 0f);
                case "fwd2" -> set(64, 128, 256, Layout.ROW_MAJOR, Layout.PANELS, Layout.ROW_MAJOR, 0f);
                case "dW1" -> set(784, 256, 64, Layout.TRANSPOSED, Layout.ROW_MAJOR, Layout.PANELS, 1f);
                case "dX2" -> set(64, 784, 256, Layout.ROW_MAJOR, Layout.PANELS_TRANSPOSED, Layout.ROW_MAJOR, 0f);
                case "sq1024" -> set(1024, 1024, 1024, Layout.ROW_MAJOR, Layout.ROW_MAJOR, Layout.ROW_MAJOR, 0f);
                default -> throw new IllegalArgumentException(shape);
            }
            pool = new WorkerPool(threads);
        }

        private void set(int m, int n, int k, Layout al, Layout bl, Layout cl, float beta) {
            this.m = m;
            this.n = n;
            this.k = k;
            this.al = al;
            this.bl = bl;
            this.cl = cl;
            this.beta = beta;
            Random rnd = new Random(42);
            lda = al == Layout.ROW_MAJOR ? k : m;
            a = random(rnd, m * k);
            switch (bl) {
                case PANELS -> {
                    ldb = Panels.stride(k);
                    b = random(rnd, Panels.size(k, n));
                }
                case PANELS_TRANSPOSED -> {
                    ldb = Panels.stride(n);
                    b = random(rnd, Panels.size(n, k));
                }
                default -> {
                    ldb = n;
                    b = random(rnd, k * n);
                }
            }
            if (cl == Layout.PANELS) {
                ldc = Panels.stride(m);
                c = new float[Panels.size(m, n)];
            } else {
                ldc = n;
                c = new float[m * n];
            }
        }

        @TearDown
        public void close() {
            pool.close();
        }

        long flops() {
            return 2L * m * n * k;
        }
    }

    @Benchmark
    public float[] sgemm(Problem p, Flops f) {
        Sgemm.sgemm(p.m, p.n, p.k, p.a, 0, p.lda, p.al, p.b, 0, p.ldb, p.bl, p.beta, p.c, 0, p.ldc, p.cl,
                Epilogue.NONE, p.pool);
        f.flops += p.flops();
        return p.c;
    }

    /** The FMA peak of one core: independent fma chains, no memory traffic. */
    @Benchmark
    @Fork(value = 3, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
    public float fmaPeak(Flops f) {
        int iters = 1 << 16;
        f.flops += FmaPeak.flops(iters);
        return FmaPeak.run(iters, 1f);
    }

    static float[] random(Random rnd, int len) {
        float[] x = new float[len];
        for (int i = 0; i < len; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        return x;
    }
}
