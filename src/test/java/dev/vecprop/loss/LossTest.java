package dev.vecprop.loss;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

class LossTest {
    @Test
    void softmaxCrossEntropyGradientIsPMinusOneHot() {
        float[] x = {1f, 2f, 3f, 0f, 0f, 0f};
        float[] dx = new float[6];
        double l = new SoftmaxCrossEntropy(Reduction.SUM).compute(x, 0, 2, 3, Targets.labels(new int[]{2, 0}, 0), dx, 0);
        double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
        assertThat(l).isCloseTo(-Math.log(Math.exp(3) / z) + Math.log(3), offset(1e-9));
        assertThat((double) dx[0]).isCloseTo(Math.exp(1) / z, offset(1e-7));
        assertThat((double) dx[2]).isCloseTo(Math.exp(3) / z - 1, offset(1e-7));
        assertThat((double) dx[3]).isCloseTo(1.0 / 3 - 1, offset(1e-7));
        float[] dm = new float[6];
        double lm = new SoftmaxCrossEntropy().compute(x, 0, 2, 3, Targets.labels(new int[]{2, 0}, 0), dm, 0);
        assertThat(lm).isCloseTo(l / 2, offset(1e-12));
        assertThat(dm[4]).isCloseTo(dx[4] / 2, offset(1e-8f));
    }

    @Test
    void crossEntropyIsFiniteForHugeLogits() {
        float[] x = {1e4f, -1e4f, 0f};
        float[] dx = new float[3];
        double l = new SoftmaxCrossEntropy().compute(x, 0, 1, 3, Targets.labels(new int[]{1}, 0), dx, 0);
        assertThat(l).isCloseTo(2e4, offset(1e-3));
        assertThat(dx).containsExactly(1f, -1f, 0f);
        double bce = new BCEWithLogits().compute(new float[]{1e4f, -1e4f}, 0, 1, 2,
                Targets.values(new float[]{0f, 1f}, 0), new float[2], 0);
        assertThat(bce).isCloseTo(1e4, offset(1e-3));
    }

    @Test
    void nllAndBceAndMseMatchTheirDefinitions() {
        float[] logp = {(float) Math.log(0.2), (float) Math.log(0.8)};
        float[] d = new float[2];
        assertThat(new NLLLoss().compute(logp, 0, 1, 2, Targets.labels(new int[]{1}, 0), d, 0))
                .isCloseTo(-Math.log(0.8), offset(1e-7));
        assertThat(d).containsExactly(0f, -1f);
        float[] p = {0.9f, 0.2f};
        float[] t = {1f, 0f};
        double bce = new BCE().compute(p, 0, 1, 2, Targets.values(t, 0), d, 0);
        assertThat(bce).isCloseTo(-(Math.log(0.9f) + Math.log(1 - 0.2f)) / 2, offset(1e-7));
        assertThat((double) d[0]).isCloseTo(-1 / 0.9 / 2, offset(1e-6));
        assertThat(new BCE().compute(new float[]{0f}, 0, 1, 1, Targets.values(new float[]{1f}, 0), d, 0))
                .isEqualTo(100.0); // log clamped at -100, as PyTorch
        assertThat(new MSELoss().compute(new float[]{1f, 3f}, 0, 1, 2, Targets.values(new float[]{0f, 1f}, 0), d, 0))
                .isEqualTo(2.5);
        assertThat(d).containsExactly(1f, 2f);
    }

    @Test
    void badTargetsGiveOneLineErrors() {
        assertThatThrownBy(() -> new SoftmaxCrossEntropy().compute(new float[3], 0, 1, 3,
                Targets.labels(new int[]{3}, 0), null, 0))
                .hasMessage("SoftmaxCrossEntropy(mean): label 3 of sample 0 is outside 0..2");
        assertThatThrownBy(() -> new BCE().compute(new float[]{1.5f}, 0, 1, 1, Targets.values(new float[]{1f}, 0), null, 0))
                .hasMessageContaining("not a probability");
        assertThatThrownBy(() -> new MSELoss().compute(new float[3], 0, 1, 3, Targets.labels(new int[]{0}, 0), null, 0))
                .hasMessageContaining("needs real-valued targets");
    }
}
