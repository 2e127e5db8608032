package dev.vecprop.kernel;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

class RowSoftmaxTest {
    @Test
    void stableForHugeLogitsAndSumsToOne() {
        float[] x = {1e4f, -1e4f, 0f, 1e4f - 1f};
        float[] y = new float[4];
        RowSoftmax.softmax(x, 0, y, 0, 1, 4);
        assertThat(y[0] + y[1] + y[2] + y[3]).isCloseTo(1f, offset(1e-6f));
        assertThat((double) y[0]).isCloseTo(1 / (1 + Math.exp(-1)), offset(1e-6));
        assertThat(RowSoftmax.logSumExp(x, 0, 4)).isCloseTo(1e4 + Math.log(1 + Math.exp(-1)), offset(1e-3));
        float[] l = new float[4];
        RowSoftmax.logSoftmax(x, 0, l, 0, 1, 4);
        assertThat((double) l[1]).isCloseTo(-2e4 - Math.log(1 + Math.exp(-1)), offset(2e-2));
    }
}
