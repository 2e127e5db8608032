package dev.vecprop.kernel;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The attention softmax (on the transposed block {@code [keys][queries]}) against its scalar twin,
 * with and without masks, at sizes that hit every tail of 4, 8 and 16 lanes; the forward against an
 * independent row-wise softmax in double, the backward bit for bit.
 */
class AttentionSoftmaxTest {

    @ParameterizedTest
    @CsvSource({"1, 1, false, false", "5, 5, false, true", "16, 16, true, false", "17, 17, true, true",
            "28, 28, false, false", "28, 28, true, true", "33, 33, false, true", "65, 65, true, false",
            "7, 20, true, true", "20, 7, false, true", "3, 41, true, false"})
    void matchesItsTwin(int keys, int queries, boolean causal, boolean padded) {
        Random r = new Random(keys * 7L + queries * 131L + (causal ? 1 : 0) + (padded ? 2 : 0));
        int off = 5;
        int cells = keys * queries;
        float[] s = new float[off + cells + 3];
        for (int i = off; i < s.length; i++) {
            s[i] = (float) (r.nextGaussian() * 4);
        }
        boolean[] pad = null;
        if (padded) {
            pad = new boolean[2 + keys];
            for (int k = 0; k < keys; k++) {
                pad[2 + k] = r.nextInt(3) == 0;
            }
            pad[2] = false; // key 0 visible: no query is fully masked (the tests below cover that)
        }
        float[] p = s.clone();
        float[] pRef = s.clone();
        float scale = 0.25f;
        AttentionSoftmax.forward(p, off, keys, queries, scale, causal, pad, 2);
        AttentionSoftmaxRef.forward(pRef, off, keys, queries, scale, causal, pad, 2);
        for (int i = off + cells; i < s.length; i++) {
            assertThat(p[i]).as("past the block").isEqualTo(s[i]);
        }
        for (int q = 0; q < queries; q++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < keys; k++) {
                if (!((causal && k > q) || (pad != null && pad[2 + k]))) {
                    max = Math.max(max, s[off + k * queries + q]);
                }
            }
            double z = 0;
            for (int k = 0; k < keys; k++) {
                if (!((causal && k > q) || (pad != null && pad[2 + k]))) {
                    z += Math.exp((s[off + k * queries + q] - max) * scale);
                }
            }
            double sum = 0;
            for (int k = 0; k < keys; k++) {
                int i = off + k * queries + q;
                boolean masked = (causal && k > q) || (pad != null && pad[2 + k]);
                double want = masked ? 0 : Math.exp((s[i] - max) * scale) / z;
                if (masked) {
                    assertThat(p[i]).as("P(%d,%d) masked", q, k).isEqualTo(0f);
                }
                assertThat((double) p[i]).as("P(%d,%d)", q, k).isCloseTo(pRef[i], Offset.offset(1e-6));
                assertThat((double) p[i]).as("P(%d,%d) vs double", q, k).isCloseTo(want, Offset.offset(1e-6));
                sum += p[i];
            }
            assertThat(sum).as("query %d sums to 1", q).isCloseTo(1, Offset.offset(1e-5));
        }
        float[] dp = new float[off + cells + 3];
        for (int i = off; i < dp.length; i++) {
            dp[i] = (float) r.nextGaussian();
        }
        float[] ds = dp.clone();
        float[] dsRef = dp.clone();
        AttentionSoftmax.backward(pRef, off, ds, off, keys, queries, scale);
        AttentionSoftmaxRef.backward(pRef, off, dsRef, off, keys, queries, scale);
        for (int i = off; i < ds.length; i++) {
            assertThat(Float.floatToRawIntBits(ds[i])).as("dS[%d]", i - off).isEqualTo(Float.floatToRawIntBits(dsRef[i]));
        }
    }

    @Test
    void aQueryWithEveryKeyMaskedIsZero() {
        float[] s = {1, 2, 3, 4, 5, 6};
        AttentionSoftmax.forward(s, 0, 2, 3, 1f, false, new boolean[]{true, true}, 0);
        assertThat(s).containsOnly(0f);
        float[] r = {1, 2, 3, 4, 5, 6};
        AttentionSoftmaxRef.forward(r, 0, 2, 3, 1f, false, new boolean[]{true, true}, 0);
        assertThat(r).containsOnly(0f);
    }

    @Test
    void causalWithThePaddedFirstKeyMasksTheFirstQueryOnly() {
        int t = 20;
        float[] s = new float[t * t];
        java.util.Arrays.fill(s, 1f);
        boolean[] pad = new boolean[t];
        pad[0] = true;
        AttentionSoftmax.forward(s, 0, t, t, 1f, true, pad, 0);
        for (int q = 0; q < t; q++) {
            for (int k = 0; k < t; k++) {
                float want = (k == 0 || k > q) ? 0f : 1f / q;
                assertThat((double) s[k * t + q]).as("P(%d,%d)", q, k).isCloseTo(want, Offset.offset(1e-6));
            }
        }
    }
}
