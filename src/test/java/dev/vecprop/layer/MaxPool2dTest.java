package dev.vecprop.layer;

import dev.vecprop.concurrent.WorkerPool;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Max pooling split over threads by planes: the same outputs, argmax routing and input gradients
 * as one thread, bit for bit, for the 2x2 kernel and the general window path, on inputs large
 * enough to be split; and the values against a direct maximum.
 */
class MaxPool2dTest {

    @Test
    void twoThreadsEqualOneAndTheDefinition() {
        try (WorkerPool two = new WorkerPool(2)) {
            for (MaxPool2d pool : new MaxPool2d[]{new MaxPool2d(2), new MaxPool2d(3, 2, 1)}) {
                int c = 8;
                int h = 33;
                int w = 30;
                int batch = 5;
                MaxPool2d fresh = pool.kh == 2 ? new MaxPool2d(2) : new MaxPool2d(3, 2, 1);
                Sequential m = new Sequential(Shape.of(c, h, w), fresh);
                SplittableRandom rnd = new SplittableRandom(9);
                float[] x = new float[batch * c * h * w];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) rnd.nextInt(50); // ties on purpose
                }
                int outN = m.outputShape().size();
                float[] dy = new float[batch * outN];
                for (int i = 0; i < dy.length; i++) {
                    dy[i] = (float) rnd.nextGaussian();
                }
                float[][] one = run(m, WorkerPool.serial(), x, dy, batch);
                float[][] par = run(m, two, x, dy, batch);
                assertThat(par[0]).as("forward, 2 threads vs 1").containsExactly(one[0]);
                assertThat(par[1]).as("input grad, 2 threads vs 1").containsExactly(one[1]);
                int oh = m.outputShape().dim(1);
                int ow = m.outputShape().dim(2);
                int k = fresh.kh;
                int s = fresh.stride;
                int p = fresh.pad;
                double gradSum = 0;
                for (int pl = 0; pl < batch * c; pl++) {
                    for (int i = 0; i < oh; i++) {
                        for (int j = 0; j < ow; j++) {
                            float best = Float.NEGATIVE_INFINITY;
                            for (int a = 0; a < k; a++) {
                                for (int b = 0; b < k; b++) {
                                    int yy = i * s - p + a;
                                    int xx = j * s - p + b;
                                    if (yy >= 0 && yy < h && xx >= 0 && xx < w) {
                                        best = Math.max(best, x[(pl * h + yy) * w + xx]);
                                    }
                                }
                            }
                            assertThat(one[0][(pl * oh + i) * ow + j]).isEqualTo(best);
                            gradSum += dy[(pl * oh + i) * ow + j];
                        }
                    }
                }
                double routed = 0;
                for (float v : one[1]) {
                    routed += v;
                }
                assertThat(routed).as("every output's gradient lands once").isCloseTo(gradSum, org.assertj.core.data.Offset.offset(1e-3));
            }
        }
    }

    private static float[][] run(Sequential m, WorkerPool pool, float[] x, float[] dy, int batch) {
        Context ctx = new Context(pool, true, 1);
        Workspace ws = m.workspace(batch);
        int yo = m.forward(ctx, ws, x, 0, batch);
        int n = batch * m.outputShape().size();
        float[] y = Arrays.copyOfRange(ws.data(), yo, yo + n);
        System.arraycopy(dy, 0, ws.data(), ws.outputGradOffset(), n);
        float[] dx = new float[x.length];
        Arrays.fill(dx, Float.NaN);
        m.backward(ctx, ws, x, 0, batch, dx, 0);
        return new float[][]{y, dx};
    }
}
