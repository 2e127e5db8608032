package dev.vecprop.train;

import dev.vecprop.data.ArrayDataSource;
import dev.vecprop.layer.Sequential;
import dev.vecprop.layer.Shape;
import dev.vecprop.loss.SoftmaxCrossEntropy;
import dev.vecprop.optim.Adam;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The data-parallel step API allocates nothing once warm: gathering a share, forward, loss,
 * backward ({@link TrainingStep#accumulate}) and the update ({@link TrainingStep#apply}), as
 * {@link StepAllocationTest} checks for the bare step.
 */
@org.junit.jupiter.api.Tag("allocation")
class TrainingStepAllocationTest {
    @ParameterizedTest(name = "{0} thread(s)")
    @ValueSource(ints = {1, 2})
    void aWarmShareAndUpdateAllocateNothing(int threads) {
        Sequential m = ModelSpec.parse("784-256-128-10", "relu", 0, false).build();
        int n = 256;
        Random r = new Random(3);
        float[] x = new float[n * 784];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextInt(5) == 0 ? r.nextFloat() : 0f;
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = r.nextInt(10);
        }
        int[] order = new int[n];
        Shuffle.permutation(order, 1, 0, true);
        try (TrainingStep s = TrainingStep.of(m, ArrayDataSource.labeled(x, Shape.of(784), labels, 10),
                new SoftmaxCrossEntropy(), Adam.options(), threads, 1)) {
            long[] step = {0};
            Runnable one = () -> {
                // two shares of a 128-sample batch (shares of 40 and 24 rows over varying samples
                // allocate 64 B per pass in the model's kernels themselves, with or without this API)
                int from = (int) (step[0] % 2) * 128;
                s.accumulate(order, from, 128, from, 64, step[0]);
                s.accumulate(order, from, 128, from + 64, 64, step[0]);
                s.apply(1e-4f);
                step[0]++;
            };
            com.sun.management.ThreadMXBean mx =
                    (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            long perStep = Long.MAX_VALUE;
            for (int i = 0; i < 400; i++) {
                one.run();
            }
            for (int window = 0; window < 80 && perStep >= 64; window++) {
                long before = mx.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 100; i++) {
                    one.run();
                }
                perStep = (mx.getCurrentThreadAllocatedBytes() - before) / 100;
            }
            assertThat(perStep).as("bytes per step once warm").isLessThan(64);
        }
    }
}
