package dev.vecprop.jmh;

import dev.vecprop.cli.DataRoot;
import dev.vecprop.kernel.Epilogue;
import dev.vecprop.kernel.Layout;
import dev.vecprop.kernel.Panels;
import dev.vecprop.kernel.Sgemm;
import dev.vecprop.kernel.TileNonzeros;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The first MLP layer's two GEMMs on real MNIST batches (pixels/255/std, as {@code vecprop train}
 * scales them), with and without zero skipping, in one JVM: {@code fwdDense} / {@code dwDense} run
 * {@link Sgemm#sgemm} (never skips), {@code fwdSkip} / {@code dwSkip} the dense layer's entry points
 * {@link Sgemm#forwardPacked} / {@link Sgemm#weightGradient} (their zero-skipping tiles are
 * SkipZeroVectorKernels', their loop nest SgemmJob's), on the same operands; {@code tileNonzeros}
 * the scan ({@link TileNonzeros}, vector body TileNonzerosVector) that decides whether to skip, run by each of those two. Eight batches
 * are cycled through. Needs {@code data/mnist} ({@code ./vecprop train} fetches it); 1 thread.
 *
 * <pre>./vecprop jmh ZeroSkipBench</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
public class ZeroSkipBench {
    static final int BATCH = 64;
    static final int IN = 784;
    static final int OUT = 256;
    static final int BATCHES = 8;

    @State(Scope.Thread)
    public static class Operands {
        float[] x;
        float[] w;
        float[] y;
        float[] dy;
        float[] gw;
        int next;

        @Setup
        public void setup() throws IOException {
            Path file = DataRoot.fromLauncher().resolve("mnist").resolve("train-images-idx3-ubyte");
            byte[] raw = Files.readAllBytes(file);
            Random rnd = new Random(1);
            x = new float[BATCHES * BATCH * IN];
            int count = (raw.length - 16) / IN;
            for (int r = 0; r < BATCHES * BATCH; r++) {
                int src = 16 + rnd.nextInt(count) * IN;
                for (int j = 0; j < IN; j++) {
                    x[r * IN + j] = (raw[src + j] & 0xff) / 255f / 0.3081f;
                }
            }
            w = new float[Panels.size(IN, OUT)];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) rnd.nextGaussian() * 0.03f;
            }
            y = new float[BATCH * OUT];
            dy = new float[BATCH * OUT];
            for (int i = 0; i < dy.length; i++) {
                dy[i] = (float) rnd.nextGaussian() * 0.01f;
            }
            gw = new float[w.length];
        }

        int xo() {
            next = (next + 1) % BATCHES;
            return next * BATCH * IN;
        }
    }

    @Benchmark
    public float[] fwdDense(Operands o) {
        Sgemm.sgemm(BATCH, OUT, IN, o.x, o.xo(), IN, Layout.ROW_MAJOR, o.w, 0, Panels.stride(IN), Layout.PANELS,
                0f, o.y, 0, OUT, Layout.ROW_MAJOR, Epilogue.NONE, null);
        return o.y;
    }

    @Benchmark
    public float[] fwdSkip(Operands o) {
        Sgemm.forwardPacked(BATCH, IN, OUT, o.x, o.xo(), o.w, 0, o.y, 0, Epilogue.NONE, null);
        return o.y;
    }

    @Benchmark
    public float[] dwDense(Operands o) {
        Sgemm.sgemm(IN, OUT, BATCH, o.x, o.xo(), IN, Layout.TRANSPOSED, o.dy, 0, OUT, Layout.ROW_MAJOR,
                0f, o.gw, 0, Panels.stride(IN), Layout.PANELS, Epilogue.NONE, null);
        return o.gw;
    }

    @Benchmark
    public long tileNonzeros(Operands o) {
        return TileNonzeros.count(o.x, o.xo(), BATCH, IN, IN);
    }

    @Benchmark
    public float[] dwSkip(Operands o) {
        Sgemm.weightGradient(BATCH, IN, OUT, o.x, o.xo(), o.dy, 0, false, o.gw, 0, null);
        return o.gw;
    }
}
