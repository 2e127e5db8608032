package dev.vecprop.kernel;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The attention softmax against its scalar twin, with and without masks, at sizes that hit every tail. */
class AttentionSoftmaxTest {

    @ParameterizedTest
    @CsvSource({"1, false, false", "5, false, true", "16, true, false", "17, true, true", "28, false, false",
            "28, true, true", "33, false, true", "65, true, false"})
    void matchesItsTwin(int t, boolean causal, boolean padded) {
        Random r = new Random(t * 7L + (causal ? 1 : 0) + (padded ? 2 : 0));
        int off = 5;
        float[] s = new float[off + t * t];
        for (int i = off; i < s.length; i++) {
            s[i] = (float) (r.nextGaussian() * 4);
        }
        boolean[] pad = null;
        if (padded) {
            pad = new boolean[2 + t];
            for (int k = 0; k < t; k++) {
                pad[2 + k] = r.nextInt(3) == 0;
            }
            pad[2] = false; // key 0 visible: no row is fully masked but the test below
        }
        float[] p = s.clone();
        float[] pRef = s.clone();
        float scale = 0.25f;
        AttentionSoftmax.forward(p, off, t, t, scale, causal, pad, 2);
        AttentionSoftmaxRef.forward(pRef, off, t, t, scale, causal, pad, 2);
        for (int q = 0; q < t; q++) {
            double sum = 0;
            for (int k = 0; k < t; k++) {
                int i = off + q * t + k;
                boolean masked = (causal && k > q) || (pad != null && pad[2 + k]);
                if (masked) {
                    assertThat(p[i]).as("P(%d,%d) masked", q, k).isEqualTo(0f);
                }
                assertThat((double) p[i]).as("P(%d,%d)", q, k).isCloseTo(pRef[i], org.assertj.core.data.Offset.offset(1e-6));
                sum += p[i];
            }
            assertThat(sum).as("row %d sums to 1", q).isCloseTo(1, org.assertj.core.data.Offset.offset(1e-5));
        }
        float[] dp = new float[off + t * t];
        for (int i = off; i < dp.length; i++) {
            dp[i] = (float) r.nextGaussian();
        }
        float[] ds = dp.clone();
        float[] dsRef = dp.clone();
        AttentionSoftmax.backward(pRef, off, ds, off, t, t, scale);
        AttentionSoftmaxRef.backward(pRef, off, dsRef, off, t, t, scale);
        for (int i = off; i < ds.length; i++) {
            assertThat((double) ds[i]).as("dS[%d]", i - off).isCloseTo(dsRef[i], org.assertj.core.data.Offset.offset(1e-6));
        }
    }

    @org.junit.jupiter.api.Test
    void aRowWithEveryKeyMaskedIsZero() {
        float[] s = {1, 2, 3, 4};
        AttentionSoftmax.forward(s, 0, 2, 2, 1f, false, new boolean[]{true, true}, 0);
        assertThat(s).containsOnly(0f);
    }
}
