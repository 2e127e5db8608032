package dev.vecprop.jmh;

import dev.vecprop.kernel.AttentionSoftmax;
import dev.vecprop.kernel.AttentionSoftmaxRef;
import dev.vecprop.kernel.SmallGemm;
import dev.vecprop.kernel.SmallGemmRef;
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

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The attention core's kernels at the sequential-MNIST Transformer's head (T = 28 steps, head dim 16),
 * each beside its scalar twin: the per-head products on {@link SmallGemm} ({@code scores}: S^T = K Q^T,
 * 28 x 28 x 16; {@code values}: O = P V with P read transposed, 28 x 16 x 28) and the causal softmax
 * forward and backward on the transposed block ({@link AttentionSoftmax}). One call per op, one thread;
 * {@code ./vecprop jmh AttentionKernelsBench}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
@State(Scope.Thread)
public class AttentionKernelsBench {
    static final int T = 28;
    static final int DH = 16;
    static final int E3 = 3 * 64; // the row pitch of the stacked Q, K, V

    float[] qkv;
    float[] qt;
    float[] s;
    float[] p;
    float[] o;
    float[] dp;
    float[] g;

    @Setup
    public void setUp() {
        SplittableRandom rnd = new SplittableRandom(3);
        qkv = new float[T * E3];
        for (int i = 0; i < qkv.length; i++) {
            qkv[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        qt = new float[DH * T];
        for (int t = 0; t < T; t++) {
            for (int d = 0; d < DH; d++) {
                qt[d * T + t] = qkv[t * E3 + d];
            }
        }
        s = new float[T * T];
        SmallGemm.multiply(T, T, DH, qkv, 64, E3, 1, qt, 0, T, s, 0, T);
        p = s.clone();
        AttentionSoftmax.forward(p, 0, T, T, 0.25f, true, null, 0);
        o = new float[T * DH];
        dp = new float[T * T];
        g = new float[T * T];
        for (int i = 0; i < dp.length; i++) {
            dp[i] = (float) (rnd.nextDouble() - 0.5);
        }
    }

    @Benchmark
    public float scores() {
        SmallGemm.multiply(T, T, DH, qkv, 64, E3, 1, qt, 0, T, s, 0, T);
        return s[17];
    }

    @Benchmark
    public float scoresScalar() {
        SmallGemmRef.multiply(T, T, DH, qkv, 64, E3, 1, qt, 0, T, s, 0, T);
        return s[17];
    }

    @Benchmark
    public float values() {
        SmallGemm.multiply(T, DH, T, p, 0, 1, T, qkv, 128, E3, o, 0, DH);
        return o[5];
    }

    @Benchmark
    public float valuesScalar() {
        SmallGemmRef.multiply(T, DH, T, p, 0, 1, T, qkv, 128, E3, o, 0, DH);
        return o[5];
    }

    @Benchmark
    public float softmaxForward() {
        System.arraycopy(s, 0, p, 0, s.length);
        AttentionSoftmax.forward(p, 0, T, T, 0.25f, true, null, 0);
        return p[30];
    }

    @Benchmark
    public float softmaxForwardScalar() {
        System.arraycopy(s, 0, p, 0, s.length);
        AttentionSoftmaxRef.forward(p, 0, T, T, 0.25f, true, null, 0);
        return p[30];
    }

    @Benchmark
    public float softmaxBackward() {
        System.arraycopy(dp, 0, g, 0, dp.length);
        AttentionSoftmax.backward(p, 0, g, 0, T, T, 0.25f);
        return g[30];
    }

    @Benchmark
    public float softmaxBackwardScalar() {
        System.arraycopy(dp, 0, g, 0, dp.length);
        AttentionSoftmaxRef.backward(p, 0, g, 0, T, T, 0.25f);
        return g[30];
    }
}
