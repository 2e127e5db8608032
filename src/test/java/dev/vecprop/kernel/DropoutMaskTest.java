package dev.vecprop.kernel;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

/** The dropout mask kernel against its scalar twin, and the statistics a mask must have. */
class DropoutMaskTest {

    @Test
    void vectorKernelEqualsScalarTwinAtEveryTail() {
        long[] keys = {0L, 1L, -1L, 0x123456789ABCDEFL};
        for (long key : keys) {
            for (int n : new int[]{0, 1, 3, 7, 8, 9, 15, 16, 17, 63, 65, 1000}) {
                for (int first : new int[]{0, 5, 1 << 20}) {
                    float[] want = new float[n + 3];
                    float[] got = new float[n + 3];
                    DropoutMaskRef.fill(key, first, 0.3f, 1f / 0.7f, want, 2, n);
                    DropoutMask.fill(key, first, 0.3f, 1f / 0.7f, got, 2, n);
                    assertThat(got).as("key %d n %d first %d", key, n, first).containsExactly(want);
                }
            }
        }
    }

    /** The one-pass dropout: the vector kernel and the twin give fill's mask and the separate product, bit for bit. */
    @Test
    void applyEqualsFillThenMultiply() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
        for (int n : new int[]{0, 1, 7, 16, 17, 63, 65, 1000}) {
            float[] x = new float[n + 3];
            for (int i = 0; i < x.length; i++) {
                x[i] = rnd.nextInt(9) == 0 ? -0f : (float) rnd.nextGaussian();
            }
            float[] mask = new float[n + 2];
            DropoutMaskRef.fill(77L, 5, 0.25f, 4f / 3, mask, 2, n);
            float[] want = new float[n + 1];
            ActivationsRef.mul(x, 3, mask, 2, want, 1, n);
            for (boolean vector : new boolean[]{false, true}) {
                float[] m = new float[n + 2];
                float[] y = new float[n + 1];
                if (vector) {
                    DropoutMask.apply(77L, 5, 0.25f, 4f / 3, x, 3, m, 2, y, 1, n);
                } else {
                    DropoutMaskRef.apply(77L, 5, 0.25f, 4f / 3, x, 3, m, 2, y, 1, n);
                }
                assertThat(m).as("mask, n=%d", n).containsExactly(mask);
                for (int i = 0; i < y.length; i++) {
                    assertThat(Float.floatToRawIntBits(y[i])).as("y[%d], n=%d", i, n)
                            .isEqualTo(Float.floatToRawIntBits(want[i]));
                }
            }
        }
    }

    @Test
    void dropsTheRightFractionWithoutPatterns() {
        int n = 1 << 20;
        for (float p : new float[]{0.1f, 0.25f, 0.5f, 0.9f}) {
            float[] m = new float[n];
            DropoutMask.fill(42L, 0, p, 2f, m, 0, n);
            int dropped = 0;
            int bothDropped = 0;
            for (int i = 0; i < n; i++) {
                if (m[i] == 0f) {
                    dropped++;
                    if (i > 0 && m[i - 1] == 0f) {
                        bothDropped++;
                    }
                } else {
                    assertThat(m[i]).isEqualTo(2f);
                }
            }
            assertThat(dropped / (double) n).as("fraction dropped at p=%s", p).isCloseTo(p, offset(0.003));
            // neighbours independent: P(both) = p^2
            assertThat(bothDropped / (double) (n - 1)).as("pairs at p=%s", p).isCloseTo((double) p * p, offset(0.003));
        }
        float[] a = new float[4096];
        float[] b = new float[4096];
        DropoutMask.fill(1L, 0, 0.5f, 2f, a, 0, a.length);
        DropoutMask.fill(2L, 0, 0.5f, 2f, b, 0, b.length);
        int same = 0;
        for (int i = 0; i < a.length; i++) {
            same += a[i] == b[i] ? 1 : 0;
        }
        assertThat(same / 4096.0).as("different keys, unrelated masks").isCloseTo(0.5, offset(0.04));
        // a shifted window of the same key is the same mask, shifted
        float[] c = new float[100];
        DropoutMask.fill(1L, 10, 0.5f, 2f, c, 0, c.length);
        for (int i = 0; i < c.length; i++) {
            assertThat(c[i]).isEqualTo(a[10 + i]);
        }
    }
}
