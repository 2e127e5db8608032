package dev.vecprop.jmh;

import dev.vecprop.kernel.ChannelSums;
import dev.vecprop.kernel.Col2Im;
import dev.vecprop.kernel.Col2ImRef;
import dev.vecprop.kernel.ConvGeometry;
import dev.vecprop.kernel.DirectConv;
import dev.vecprop.kernel.DirectConvRef;
import dev.vecprop.kernel.KernelFlip;
import dev.vecprop.kernel.Transpose;
import dev.vecprop.kernel.TransposeRef;
import dev.vecprop.kernel.ZeroPad;
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
 * The stride-1 convolution kernels (vector code: DirectConvVector, TransposeVector) next to their
 * scalar twins, on one sample of ConvNet's 32->64 3x3 layer (a 32 x 26 x 26 input, 24 x 24 outputs),
 * 1 thread. 10.6 M multiply-adds per forward and per weight gradient: GFLOP/s = 21.2 / (us per op) * 1000.
 * <ul>
 *   <li>{@code forward*}: {@link DirectConv#forward} over the 622-position row-pitch grid;</li>
 *   <li>{@code weightGrad*}: {@link DirectConv#weightGrad} of all 288 taps;</li>
 *   <li>{@code transpose*}: the 64 x 576 output gradient to positions x channels;</li>
 *   <li>the data movements around them, on the same layer: {@code zeroPad} (the 32 x 26 x 26 input
 *       padded by 1), {@code kernelFlip} (the 64 x 32 x 3 x 3 weights), {@code col2im*} (288 gradient
 *       columns of 576 positions into the input, vector runs and the scalar twin), {@code channelSums}
 *       (the bias gradient over 64 channels of 576 positions, the GEMM path's).</li>
 * </ul>
 * <pre>./vecprop jmh DirectConvBench</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
@State(Scope.Thread)
public class DirectConvBench {
    static final int C = 32;
    static final int H = 26;
    static final int OC = 64;
    static final int OH = 24;
    static final int N = (OH - 1) * H + OH;

    float[] img;
    int[] tap;
    float[] wp;
    int blocks;
    float[] out;
    int ldo;
    float[] dy;
    float[] dyt;
    int ldt;
    float[] dwt;
    float[] padded;
    float[] weights;
    float[] flip;
    ConvGeometry geo;
    float[] dcols;
    float[] dx;
    float[] db;

    @Setup
    public void setup() {
        SplittableRandom rnd = new SplittableRandom(5);
        img = random(rnd, C * H * H + DirectConv.imageSlack());
        tap = new int[C * 9];
        for (int c = 0, r = 0; c < C; c++) {
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++, r++) {
                    tap[r] = (c * H + i) * H + j;
                }
            }
        }
        int k = tap.length;
        float[] w = random(rnd, OC * k);
        blocks = (OC + DirectConv.rows() - 1) / DirectConv.rows();
        wp = new float[blocks * DirectConv.rows() * k];
        DirectConv.packWeights(w, 0, k, OC, k, wp, 0);
        ldo = DirectConv.paddedColumns(N);
        out = new float[blocks * DirectConv.rows() * ldo];
        ldt = (OC + DirectConv.channelStep(OC) - 1) / DirectConv.channelStep(OC) * DirectConv.channelStep(OC);
        dy = random(rnd, OC * OH * OH);
        dyt = new float[OH * OH * ldt];
        Transpose.transpose(dy, 0, OH * OH, OC, OH * OH, dyt, 0, ldt);
        dwt = new float[k * ldt];
        padded = new float[ZeroPad.size(C, H, H, 1, 1, 0)];
        weights = w;
        flip = new float[w.length];
        geo = new ConvGeometry(C, OC, 3, 3, 1, 0, 1, 1, H, H);
        dcols = random(rnd, k * OH * OH);
        dx = new float[C * H * H];
        db = new float[OC];
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return a;
    }

    @Benchmark
    public float forward() {
        DirectConv.forward(wp, 0, blocks, tap.length, img, 0, tap, N, out, 0, ldo);
        return out[17];
    }

    @Benchmark
    public float forwardScalar() {
        DirectConvRef.forward(wp, 0, blocks, tap.length, img, 0, tap, N, out, 0, ldo, DirectConv.rows());
        return out[17];
    }

    @Benchmark
    public float weightGrad() {
        DirectConv.weightGrad(img, 0, H, tap, 0, tap.length, dyt, 0, ldt, OH, OH, dwt, 0);
        return dwt[5];
    }

    @Benchmark
    public float weightGradScalar() {
        DirectConvRef.weightGrad(img, 0, H, tap, 0, tap.length, dyt, 0, ldt, OH, OH, dwt, 0);
        return dwt[5];
    }

    @Benchmark
    public float transpose() {
        Transpose.transpose(dy, 0, OH * OH, OC, OH * OH, dyt, 0, ldt);
        return dyt[9];
    }

    @Benchmark
    public float transposeScalar() {
        TransposeRef.transpose(dy, 0, OH * OH, OC, OH * OH, dyt, 0, ldt);
        return dyt[9];
    }

    @Benchmark
    public float zeroPad() {
        ZeroPad.pad(img, 0, C, H, H, 1, 1, padded, 0);
        return padded[40];
    }

    @Benchmark
    public float kernelFlip() {
        KernelFlip.flip(weights, 0, 1, C, OC, 3, 3, flip, 0);
        return flip[7];
    }

    @Benchmark
    public float col2im() {
        Col2Im.accumulate(geo, dcols, 0, OH * OH, dx, 0);
        return dx[30];
    }

    @Benchmark
    public float col2imScalar() {
        Col2ImRef.accumulate(geo, dcols, 0, OH * OH, dx, 0);
        return dx[30];
    }

    @Benchmark
    public float channelSums() {
        ChannelSums.accumulate(dy, 0, 1, OC, OH * OH, 0, OC, db, 0);
        return db[3];
    }
}
