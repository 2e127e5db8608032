package dev.vecprop.kernel;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The unpacked small GEMM against its scalar twin, bit for bit, over every row and column tail of
 * both tiles, both A orientations and offset operands; what lies around C is left as it was.
 */
class SmallGemmTest {
    private static final int[] MS = {1, 2, 5, 6, 7, 8, 9, 13, 16, 28};
    private static final int[] NS = {1, 3, 7, 8, 9, 15, 16, 17, 28, 31, 32, 33, 47, 48, 64, 65};
    private static final int[] KS = {1, 4, 16, 28};

    @Test
    void matchesItsTwinToTheBit() {
        Random r = new Random(5);
        for (int m : MS) {
            for (int n : NS) {
                for (int k : KS) {
                    for (boolean transposedA : new boolean[] {false, true}) {
                        check(r, m, n, k, transposedA);
                    }
                }
            }
        }
    }

    private static void check(Random r, int m, int n, int k, boolean transposedA) {
        int ao = 3;
        int lda = (transposedA ? m : k) + 2;              // a padded pitch, as a head's block inside QKV
        float[] a = new float[ao + (transposedA ? k : m) * lda];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextGaussian();
        }
        int ars = transposedA ? 1 : lda;
        int acs = transposedA ? lda : 1;
        int bo = 2;
        int ldb = n + 5;
        float[] b = new float[bo + k * ldb];
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) r.nextGaussian();
        }
        int co = 1;
        int ldc = n + 3;
        float[] c = new float[co + m * ldc + 7];
        java.util.Arrays.fill(c, Float.NaN);
        float[] ref = c.clone();
        SmallGemm.multiply(m, n, k, a, ao, ars, acs, b, bo, ldb, c, co, ldc);
        SmallGemmRef.multiply(m, n, k, a, ao, ars, acs, b, bo, ldb, ref, co, ldc);
        String what = m + "x" + n + "x" + k + (transposedA ? " (A transposed)" : "");
        for (int i = 0; i < c.length; i++) {
            assertThat(Float.floatToRawIntBits(c[i])).as("%s: c[%d]", what, i).isEqualTo(Float.floatToRawIntBits(ref[i]));
        }
        // the twin is the definition: spot-check it against a double sum
        int i = m - 1;
        int j = n - 1;
        double s = 0;
        for (int p = 0; p < k; p++) {
            s += (double) a[ao + i * ars + p * acs] * b[bo + p * ldb + j];
        }
        assertThat((double) ref[co + i * ldc + j]).as(what).isCloseTo(s, org.assertj.core.data.Offset.offset(1e-4 * (1 + Math.abs(s))));
    }
}
