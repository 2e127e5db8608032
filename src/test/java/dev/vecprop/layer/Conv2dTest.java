package dev.vecprop.layer;

import dev.vecprop.concurrent.WorkerPool;
import dev.vecprop.tensor.Param;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.Arguments;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conv2d (implicit-im2col GEMMs, flipped-kernel input gradient) against a direct six-loop
 * convolution in double precision: forward, weight, bias and input gradients, over stride,
 * padding, dilation, groups, odd sizes and batches on both sides of the thread count; and
 * bit-identical results for 1 and 2 threads.
 */
class Conv2dTest {
    private static final WorkerPool TWO = new WorkerPool(2);

    @AfterAll
    static void close() {
        TWO.close();
    }

    /** in, out, kh, kw, stride, pad, dilation, groups, bias, H, W, batch. */
    static Stream<Arguments> configs() {
        return Stream.of(
                Arguments.of(1, 32, 3, 3, 1, 0, 1, 1, true, 28, 28, 3),
                Arguments.of(32, 64, 3, 3, 1, 0, 1, 1, true, 12, 11, 2),
                Arguments.of(1, 6, 5, 5, 1, 0, 1, 1, true, 28, 28, 1),
                Arguments.of(6, 16, 5, 5, 1, 0, 1, 1, true, 12, 12, 5),
                Arguments.of(3, 5, 3, 3, 1, 1, 1, 1, true, 9, 7, 3),
                Arguments.of(2, 4, 3, 3, 2, 1, 1, 1, true, 9, 7, 2),
                Arguments.of(4, 6, 2, 3, 3, 1, 1, 2, false, 8, 9, 3),
                Arguments.of(4, 8, 3, 3, 1, 2, 2, 2, true, 10, 13, 1),
                Arguments.of(17, 19, 3, 1, 1, 0, 1, 1, true, 5, 21, 2),
                Arguments.of(3, 7, 1, 1, 2, 0, 1, 1, true, 7, 7, 4),
                Arguments.of(8, 8, 3, 3, 1, 1, 1, 8, true, 6, 6, 2),
                Arguments.of(16, 4, 3, 3, 1, 1, 1, 1, true, 7, 9, 2),
                Arguments.of(12, 3, 3, 3, 1, 0, 2, 1, false, 9, 10, 3));
    }

    @ParameterizedTest
    @MethodSource("configs")
    void matchesDirectConvolution(int in, int out, int kh, int kw, int stride, int pad, int dil, int groups,
                                  boolean bias, int h, int w, int batch) {
        Conv2d conv = new Conv2d(in, out, kh, kw, stride, pad, dil, groups, bias);
        Sequential m = new Sequential(Shape.of(in, h, w), conv);
        m.initialize(11);
        int oh = m.outputShape().dim(1);
        int ow = m.outputShape().dim(2);
        SplittableRandom rnd = new SplittableRandom(in * 31 + out);
        float[] x = random(rnd, batch * in * h * w);
        float[] dy = random(rnd, batch * out * oh * ow);
        float[] wt = m.params().get("0.weight").toArray();
        float[] b = bias ? m.params().get("0.bias").toArray() : new float[out];

        // the direct definition
        int cpg = in / groups;
        int opg = out / groups;
        double[] y = new double[batch * out * oh * ow];
        double[] dw = new double[wt.length];
        double[] db = new double[out];
        double[] dx = new double[x.length];
        for (int s = 0; s < batch; s++) {
            for (int o = 0; o < out; o++) {
                int gi = o / opg;
                for (int p = 0; p < oh; p++) {
                    for (int q = 0; q < ow; q++) {
                        int yi = ((s * out + o) * oh + p) * ow + q;
                        double acc = b[o];
                        for (int c = 0; c < cpg; c++) {
                            for (int i = 0; i < kh; i++) {
                                for (int j = 0; j < kw; j++) {
                                    int yy = p * stride - pad + i * dil;
                                    int xx = q * stride - pad + j * dil;
                                    if (yy < 0 || yy >= h || xx < 0 || xx >= w) {
                                        continue;
                                    }
                                    int xi = ((s * in + gi * cpg + c) * h + yy) * w + xx;
                                    int wi = ((o * cpg + c) * kh + i) * kw + j;
                                    acc += (double) wt[wi] * x[xi];
                                    dw[wi] += (double) dy[yi] * x[xi];
                                    dx[xi] += (double) dy[yi] * wt[wi];
                                }
                            }
                        }
                        y[yi] = acc;
                        db[o] += dy[yi];
                    }
                }
            }
        }

        for (WorkerPool pool : new WorkerPool[]{WorkerPool.serial(), TWO}) {
            Result r = run(m, pool, x, dy, batch);
            assertClose("forward", r.y, y);
            assertClose("weight grad", r.dw, dw);
            if (bias) {
                assertClose("bias grad", r.db, db);
            }
            assertClose("input grad", r.dx, dx);
        }
        // Conv2d followed by ReLU runs fused (ReLU in the GEMM epilogue): same values as max(conv, 0)
        Sequential fused = new Sequential(Shape.of(in, h, w), new Conv2d(in, out, kh, kw, stride, pad, dil, groups, bias),
                new ReLU());
        fused.params().get("0.weight").copyFrom(wt, 0);
        if (bias) {
            fused.params().get("0.bias").copyFrom(b, 0);
        }
        double[] yRelu = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            yRelu[i] = Math.max(y[i], 0);
        }
        for (WorkerPool pool : new WorkerPool[]{WorkerPool.serial(), TWO}) {
            Context ctx = new Context(pool, true, 1);
            Workspace ws = fused.workspace(batch);
            int yo = fused.forward(ctx, ws, x, 0, batch);
            assertClose("conv+relu forward", java.util.Arrays.copyOfRange(ws.data(), yo, yo + y.length), yRelu);
        }
        Result one = run(m, WorkerPool.serial(), x, dy, batch);
        Result two = run(m, TWO, x, dy, batch);
        assertThat(two.y).as("forward, 2 threads vs 1").containsExactly(one.y);
        assertThat(two.dw).as("weight grad, 2 threads vs 1").containsExactly(one.dw);
        assertThat(two.dx).as("input grad, 2 threads vs 1").containsExactly(one.dx);
        assertThat(two.db).as("bias grad, 2 threads vs 1").containsExactly(one.db);
    }

    record Result(float[] y, float[] dw, float[] db, float[] dx) {}

    private static Result run(Sequential m, WorkerPool pool, float[] x, float[] dy, int batch) {
        Context ctx = new Context(pool, true, 1);
        Workspace ws = m.workspace(batch + 1);
        int n = m.outputShape().size();
        int yo = m.forward(ctx, ws, x, 0, batch);
        float[] y = java.util.Arrays.copyOfRange(ws.data(), yo, yo + batch * n);
        System.arraycopy(dy, 0, ws.data(), ws.outputGradOffset(), batch * n);
        m.params().zeroGrads();
        float[] dx = new float[x.length];
        java.util.Arrays.fill(dx, Float.NaN); // every element must be written
        m.backward(ctx, ws, x, 0, batch, dx, 0);
        Param w = m.params().get("0.weight");
        float[] dw = new float[w.numel()];
        for (int i = 0; i < dw.length; i++) {
            dw[i] = w.gradAt(i);
        }
        float[] db = new float[0];
        if (m.params().all().size() > 1) {
            Param b = m.params().get("0.bias");
            db = new float[b.numel()];
            for (int i = 0; i < db.length; i++) {
                db[i] = b.gradAt(i);
            }
        }
        return new Result(y, dw, db, dx);
    }

    private static void assertClose(String what, float[] got, double[] want) {
        assertThat(got).as(what + " length").hasSize(want.length);
        double scale = 1e-3;
        for (double v : want) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < want.length; i++) {
            if (!(Math.abs(got[i] - want[i]) <= 2e-5 * scale + 1e-6)) {
                throw new AssertionError(what + "[" + i + "] = " + got[i] + ", direct convolution gives " + want[i]
                        + " (scale " + scale + ")");
            }
        }
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return a;
    }
}
