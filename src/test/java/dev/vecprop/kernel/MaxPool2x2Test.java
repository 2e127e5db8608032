package dev.vecprop.kernel;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The 2x2 max-pool kernel against its scalar twin, bit for bit, over widths that hit every tail,
 * with ties (values drawn from a few levels) and NaNs; and the twin against the definition.
 */
class MaxPool2x2Test {

    @Test
    void vectorKernelEqualsScalarTwin() {
        int[] hs = {2, 3, 5, 24};
        int[] ws = {2, 3, 4, 5, 15, 16, 17, 24, 31, 32, 33, 48, 66};
        SplittableRandom rnd = new SplittableRandom(5);
        for (int h : hs) {
            for (int w : ws) {
                int planes = 3;
                int off = 7;
                float[] x = new float[off + planes * h * w];
                for (int i = 0; i < x.length; i++) {
                    int r = rnd.nextInt(20);
                    x[i] = r == 0 ? Float.NaN : r < 8 ? (float) rnd.nextInt(3) : (float) rnd.nextGaussian();
                }
                int n = planes * (h / 2) * (w / 2);
                float[] y1 = new float[n + 2];
                float[] a1 = new float[n + 2];
                float[] y2 = new float[n + 2];
                float[] a2 = new float[n + 2];
                Arrays.fill(y2, -7f);
                Arrays.fill(a2, -7f);
                Arrays.fill(y1, -7f);
                Arrays.fill(a1, -7f);
                MaxPool2x2Ref.forward(x, off, planes, h, w, y1, 1, a1, 2);
                MaxPool2x2.forward(x, off, planes, h, w, y2, 1, a2, 2);
                assertThat(floatBits(y2)).as("max, %dx%d", h, w).isEqualTo(floatBits(y1));
                assertThat(a2).as("argmax, %dx%d", h, w).containsExactly(a1);
                // the definition: first maximum in row-major order, NaN wins
                for (int pl = 0; pl < planes; pl++) {
                    for (int p = 0; p < h / 2; p++) {
                        for (int q = 0; q < w / 2; q++) {
                            int o = (pl * (h / 2) + p) * (w / 2) + q;
                            int at = (int) a1[2 + o];
                            float best = x[off + pl * h * w + at];
                            assertThat(floatBits(new float[]{y1[1 + o]})).isEqualTo(floatBits(new float[]{best}));
                            for (int i = 0; i < 2; i++) {
                                for (int j = 0; j < 2; j++) {
                                    int idx = (2 * p + i) * w + 2 * q + j;
                                    float v = x[off + pl * h * w + idx];
                                    if (idx < at) {
                                        assertThat(v > best || Float.isNaN(v)).isFalse();
                                        if (Float.isNaN(best)) {
                                            assertThat(Float.isNaN(v)).isFalse();
                                        }
                                    }
                                    if (!Float.isNaN(best)) {
                                        assertThat(v > best || Float.isNaN(v)).isFalse();
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static int[] floatBits(float[] a) {
        int[] b = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = Float.floatToRawIntBits(a[i]);
        }
        return b;
    }
}
