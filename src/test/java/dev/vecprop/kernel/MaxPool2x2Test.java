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

    /**
     * Backward, with and without the ReLU mask: the vector kernel equals the twin bit for bit (every
     * element of dx written, including the rows and columns outside every window), and the twin is
     * the scatter of {@code 0 + dy} to the argmax where {@code y > 0}.
     */
    @Test
    void backwardVectorKernelEqualsScalarTwin() {
        int[] hs = {2, 3, 5, 24};
        int[] ws = {2, 3, 4, 5, 15, 16, 17, 24, 31, 32, 33, 48, 66};
        SplittableRandom rnd = new SplittableRandom(6);
        for (int h : hs) {
            for (int w : ws) {
                int planes = 3;
                int n = planes * (h / 2) * (w / 2);
                float[] x = new float[planes * h * w];
                for (int i = 0; i < x.length; i++) {
                    int r = rnd.nextInt(20);
                    x[i] = r == 0 ? Float.NaN : r < 8 ? (float) rnd.nextInt(3) - 1 : (float) rnd.nextGaussian();
                }
                float[] y = new float[n + 3];
                float[] arg = new float[n + 5];
                MaxPool2x2Ref.forward(x, 0, planes, h, w, y, 3, arg, 5);
                float[] dy = new float[n + 1];
                for (int i = 1; i < dy.length; i++) {
                    int r = rnd.nextInt(10);
                    dy[i] = r == 0 ? -0f : r == 1 ? Float.NaN : (float) rnd.nextGaussian();
                }
                for (boolean masked : new boolean[]{false, true}) {
                    float[] yy = masked ? y : null;
                    float[] d1 = new float[2 + planes * h * w + 2];
                    float[] d2 = new float[d1.length];
                    Arrays.fill(d1, 9f);
                    Arrays.fill(d2, 9f);
                    MaxPool2x2Ref.backward(dy, 1, arg, 5, yy, 3, planes, h, w, d1, 2);
                    MaxPool2x2.backward(dy, 1, arg, 5, yy, 3, planes, h, w, d2, 2);
                    assertThat(floatBits(d2)).as("dx, %dx%d, mask %s", h, w, masked).isEqualTo(floatBits(d1));
                    float[] want = new float[d1.length];
                    Arrays.fill(want, 9f);
                    Arrays.fill(want, 2, 2 + planes * h * w, 0f);
                    for (int pl = 0; pl < planes; pl++) {
                        for (int o = 0; o < n / planes; o++) {
                            int k = pl * (n / planes) + o;
                            if (!masked || y[3 + k] > 0f) {
                                want[2 + pl * h * w + (int) arg[5 + k]] = 0f + dy[1 + k];
                            }
                        }
                    }
                    assertThat(floatBits(d1)).as("twin vs scatter, %dx%d, mask %s", h, w, masked).isEqualTo(floatBits(want));
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
