package dev.vecprop.data;

import dev.vecprop.concurrent.WorkerPool;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AugmentationTest {
    static float[] images(int n, int h, int w, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n * h * w];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat();
        }
        return x;
    }

    @Test
    void deterministicAndIndependentOfThreads() {
        Augmentation a = Augmentation.parse("shift=2,rotate=15,scale=0.1,elastic,erase=0.5");
        float[] one = images(37, 28, 28, 1);
        float[] two = one.clone();
        float[] orig = one.clone();
        a.apply(one, 0, 37, 28, 28, 0f, 5, 9, null);
        try (WorkerPool p = new WorkerPool(2)) {
            a.apply(two, 0, 37, 28, 28, 0f, 5, 9, p);
        }
        assertThat(two).containsExactly(one);
        assertThat(one).isNotEqualTo(orig);
        float[] other = orig.clone();
        a.apply(other, 0, 37, 28, 28, 0f, 5, 10, null);
        assertThat(other).as("another step, another transform").isNotEqualTo(one);
    }

    @Test
    void valuesStayWithinTheInputRangeAndFill() {
        Augmentation a = Augmentation.parse("shift=3,rotate=30,scale=0.2,elastic=3,erase=1");
        float[] x = images(20, 28, 28, 2);
        a.apply(x, 0, 20, 28, 28, -0.5f, 1, 1, null);
        for (float v : x) {
            assertThat(v).isBetween(-0.5f, 1f);
        }
    }

    @Test
    void aPureShiftMovesTheImage() {
        // shift only: the sampled translation is continuous; a bright pixel moves by at most 2 px
        Augmentation a = Augmentation.parse("shift=2");
        float[] x = new float[28 * 28];
        x[14 * 28 + 14] = 1f;
        a.apply(x, 0, 1, 28, 28, 0f, 3, 4, null);
        double sum = 0;
        double cx = 0;
        double cy = 0;
        for (int v = 0; v < 28; v++) {
            for (int u = 0; u < 28; u++) {
                sum += x[v * 28 + u];
                cx += u * x[v * 28 + u];
                cy += v * x[v * 28 + u];
            }
        }
        assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(Math.abs(cx / sum - 14)).isLessThanOrEqualTo(2.0001);
        assertThat(Math.abs(cy / sum - 14)).isLessThanOrEqualTo(2.0001);
    }

    @Test
    void rejectsBadSpecs() {
        assertThatThrownBy(() -> Augmentation.parse("wobble")).hasMessageContaining("unknown augmentation 'wobble'");
        assertThatThrownBy(() -> Augmentation.parse("rotate=500")).hasMessageContaining("outside");
        assertThatThrownBy(() -> Augmentation.parse("shift=x")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> Augmentation.parse("shift=0")).hasMessageContaining("does nothing");
    }
}
