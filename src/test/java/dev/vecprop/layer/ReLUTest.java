package dev.vecprop.layer;

import dev.vecprop.concurrent.WorkerPool;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** ReLU backward split over threads (large, odd sizes): exactly dy where y > 0, else 0. */
class ReLUTest {

    @Test
    void backwardSplitOverThreadsIsTheDefinition() {
        try (WorkerPool two = new WorkerPool(2)) {
            for (int n : new int[]{65_536, 70_001, 131_075}) {
                ReLU relu = new ReLU();
                relu.build(Shape.of(n));
                SplittableRandom rnd = new SplittableRandom(n);
                float[] y = new float[n + 3];
                float[] dy = new float[n + 5];
                for (int i = 0; i < y.length; i++) {
                    y[i] = rnd.nextBoolean() ? 0f : (float) rnd.nextDouble();
                }
                for (int i = 0; i < dy.length; i++) {
                    dy[i] = (float) rnd.nextGaussian();
                }
                for (WorkerPool pool : new WorkerPool[]{WorkerPool.serial(), two}) {
                    float[] dx = new float[n + 7];
                    java.util.Arrays.fill(dx, Float.NaN);
                    relu.backward(new Context(pool, true, 1), 1, null, 0, y, 3, dy, 5, dx, 7, null, 0);
                    for (int i = 0; i < n; i++) {
                        float want = y[3 + i] > 0f ? dy[5 + i] : 0f;
                        if (dx[7 + i] != want) {
                            throw new AssertionError("n " + n + " threads " + pool.threads() + ": dx[" + i + "] = "
                                    + dx[7 + i] + ", want " + want);
                        }
                    }
                    assertThat(dx[0]).isNaN();
                }
            }
        }
    }
}
