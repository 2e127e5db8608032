package dev.vecprop.kernel;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The non-zero index lists of the batch-1 kernels: the vector compress form equals the scalar twin for
 * every range start, length and tail, zero shares from none to all, {@code -0} (zero) and NaN (kept).
 */
class NonzeroInputsTest {
    @Test
    void theVectorFormEqualsTheScalarTwinOnEveryRangeAndTail() {
        Random r = new Random(4);
        for (int len = 0; len < 80; len++) {
            for (int zeroPct : new int[]{0, 50, 80, 100}) {
                float[] x = new float[5 + len + 40];
                for (int i = 0; i < x.length; i++) {
                    int c = r.nextInt(100);
                    x[i] = c < zeroPct ? (r.nextBoolean() ? 0f : -0f) : c % 17 == 0 ? Float.NaN : (float) r.nextGaussian();
                }
                for (int k0 : new int[]{0, 1, 7, 16}) {
                    int[] a = new int[len + NonzeroInputs.slack() + 1];
                    int[] b = new int[len + NonzeroInputs.slack() + 1];
                    int na = NonzeroInputs.vector(x, 5, k0, k0 + len, a);
                    int nb = NonzeroInputs.scalar(x, 5, k0, k0 + len, b);
                    int nk = NonzeroInputs.kept(x, 5, k0, k0 + len, new int[len + NonzeroInputs.slack() + 1]);
                    assertThat(na).as("len %d zeros %d%% from %d", len, zeroPct, k0).isEqualTo(nb).isEqualTo(nk);
                    assertThat(Arrays.copyOf(a, na)).containsExactly(Arrays.copyOf(b, nb));
                    for (int i = 0; i < nb; i++) {
                        float v = x[5 + b[i]];
                        assertThat(v != 0f).isTrue();
                    }
                }
            }
        }
    }
}
