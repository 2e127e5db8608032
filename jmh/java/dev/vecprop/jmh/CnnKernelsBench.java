package dev.vecprop.jmh;

import dev.vecprop.kernel.ConvColumns;
import dev.vecprop.kernel.ConvColumnsRef;
import dev.vecprop.kernel.ConvWeightGrad;
import dev.vecprop.kernel.ConvWeightGradRef;
import dev.vecprop.kernel.DropoutMask;
import dev.vecprop.kernel.DropoutMaskRef;
import dev.vecprop.kernel.MaxPool2x2;
import dev.vecprop.kernel.MaxPool2x2Ref;
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
 * The CNN kernels (vector code: ConvColumnsVector, ConvWeightGradVector, MaxPool2x2Vector,
 * DropoutMaskVector) next to their scalar twins, on one ConvNet sample's shapes, 1 thread:
 * <ul>
 *   <li>{@code columns*}: one 288 x 576 B block of the 32->64 3x3 forward (by position) and its
 *       transpose for the weight gradient (by tap), from a 32 x 26 x 26 image;</li>
 *   <li>{@code weightGrad*}: the direct weight gradient of the 1->32 3x3 first layer (28 x 28 image);</li>
 *   <li>{@code maxPool*}: 2x2 pooling of 64 planes of 24 x 24;</li>
 *   <li>{@code dropout*}: a 9,216-element mask.</li>
 * </ul>
 * The other stride-1 convolution kernels have their own: {@link DirectConvBench}.
 * <pre>./vecprop jmh CnnKernelsBench</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
@State(Scope.Thread)
public class CnnKernelsBench {
    float[] img;
    int[] tap;
    int[] pos;
    float[] panels;
    float[] first;
    int[] tap1;
    float[] dy1;
    float[] dw1;
    float[] planes;
    float[] pooled;
    float[] argmax;
    float[] mask;

    @Setup
    public void setup() {
        SplittableRandom rnd = new SplittableRandom(5);
        img = random(rnd, 32 * 26 * 26);
        tap = new int[288];
        for (int c = 0, r = 0; c < 32; c++) {
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++, r++) {
                    tap[r] = (c * 26 + i) * 26 + j;
                }
            }
        }
        pos = new int[576];
        for (int p = 0; p < 24; p++) {
            for (int q = 0; q < 24; q++) {
                pos[p * 24 + q] = p * 26 + q;
            }
        }
        panels = new float[(576 + 15) / 16 * 288 * 16 + 16 * 576];
        first = random(rnd, 28 * 28);
        tap1 = new int[9];
        for (int i = 0, r = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++, r++) {
                tap1[r] = i * 28 + j;
            }
        }
        dy1 = random(rnd, 32 * 26 * 26);
        dw1 = new float[32 * 9];
        planes = random(rnd, 64 * 24 * 24);
        pooled = new float[64 * 12 * 12];
        argmax = new float[64 * 12 * 12];
        mask = new float[9216];
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return a;
    }

    @Benchmark
    public float columnsByPosition() {
        ConvColumns.packByPosition(img, 0, tap, pos, 576, 0, 288, 0, 576, panels);
        return panels[17];
    }

    @Benchmark
    public float columnsByPositionScalar() {
        ConvColumnsRef.packByPosition(img, 0, tap, pos, 576, 0, 288, 0, 576, panels);
        return panels[17];
    }

    @Benchmark
    public float columnsByTap() {
        ConvColumns.packByTap(img, 0, tap, pos, 288, 0, 576, 0, 288, panels);
        return panels[17];
    }

    @Benchmark
    public float columnsByTapScalar() {
        ConvColumnsRef.packByTap(img, 0, tap, pos, 288, 0, 576, 0, 288, panels);
        return panels[17];
    }

    @Benchmark
    public float weightGrad() {
        ConvWeightGrad.accumulate(first, 0, 28, tap1, dy1, 0, 26, 26, 0, 32, 0, 9, 9, dw1, 0);
        return dw1[5];
    }

    @Benchmark
    public float weightGradScalar() {
        ConvWeightGradRef.accumulate(first, 0, 28, tap1, dy1, 0, 26, 26, 0, 32, 0, 9, 9, dw1, 0);
        return dw1[5];
    }

    @Benchmark
    public float maxPool() {
        MaxPool2x2.forward(planes, 0, 64, 24, 24, pooled, 0, argmax, 0);
        return pooled[3];
    }

    @Benchmark
    public float maxPoolScalar() {
        MaxPool2x2Ref.forward(planes, 0, 64, 24, 24, pooled, 0, argmax, 0);
        return pooled[3];
    }

    @Benchmark
    public float dropout() {
        DropoutMask.fill(42L, 0, 0.25f, 4f / 3f, mask, 0, mask.length);
        return mask[7];
    }

    @Benchmark
    public float dropoutScalar() {
        DropoutMaskRef.fill(42L, 0, 0.25f, 4f / 3f, mask, 0, mask.length);
        return mask[7];
    }
}
