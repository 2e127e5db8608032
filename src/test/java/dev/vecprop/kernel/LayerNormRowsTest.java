package dev.vecprop.kernel;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The layer-norm kernels against their scalar twin at sizes that hit every vector tail. */
class LayerNormRowsTest {

    private static float[] gaussian(Random r, int n, double sd, double mean) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (mean + r.nextGaussian() * sd);
        }
        return a;
    }

    private static void close(String what, float[] got, float[] want, double tol) {
        for (int i = 0; i < want.length; i++) {
            assertThat((double) got[i]).as("%s[%d]", what, i)
                    .isCloseTo(want[i], org.assertj.core.data.Offset.offset(tol * Math.max(1, Math.abs(want[i]))));
        }
    }

    @ParameterizedTest
    @CsvSource({"1, 1", "3, 7", "5, 16", "4, 17", "2, 33", "9, 64", "3, 100"})
    void everyKernelMatchesItsTwin(int rows, int d) {
        Random r = new Random(rows * 31L + d);
        int off = 3;
        float[] x = gaussian(r, off + rows * d, 2, 0.7);
        float[] dy = gaussian(r, off + rows * d, 1, 0);
        float[] gamma = gaussian(r, off + d, 0.5, 1);
        float[] beta = gaussian(r, off + d, 0.5, 0);
        float[] y = new float[off + rows * d];
        float[] yRef = new float[off + rows * d];
        float[] st = new float[off + 2 * rows];
        float[] stRef = new float[off + 2 * rows];
        LayerNormRows.forward(x, off, rows, d, gamma, off, beta, off, 1e-5f, y, off, st, off);
        LayerNormRowsRef.forward(x, off, rows, d, gamma, off, beta, off, 1e-5f, yRef, off, stRef, off);
        close("y", y, yRef, 2e-6);
        close("stats", st, stRef, 2e-6);
        float[] dx = new float[off + rows * d];
        float[] dxRef = new float[off + rows * d];
        LayerNormRows.backward(x, off, dy, off, rows, d, gamma, off, stRef, off, dx, off);
        LayerNormRowsRef.backward(x, off, dy, off, rows, d, gamma, off, stRef, off, dxRef, off);
        close("dx", dx, dxRef, 1e-5);
        float[] dg = gaussian(r, off + d, 1, 0);
        float[] db = gaussian(r, off + d, 1, 0);
        float[] dgRef = dg.clone();
        float[] dbRef = db.clone();
        LayerNormRows.paramGrads(x, off, dy, off, rows, d, stRef, off, dg, off, db, off);
        LayerNormRowsRef.paramGrads(x, off, dy, off, rows, d, stRef, off, dgRef, off, dbRef, off);
        close("dgamma", dg, dgRef, 1e-5);
        close("dbeta", db, dbRef, 1e-5);
        // the normalised rows: mean 0, variance 1 (gamma 1, beta 0)
        float[] ones = new float[d];
        java.util.Arrays.fill(ones, 1f);
        LayerNormRows.forward(x, off, rows, d, ones, 0, new float[d], 0, 1e-5f, y, off, st, off);
        for (int row = 0; row < rows && d > 1; row++) {
            double s = 0;
            double ss = 0;
            for (int j = 0; j < d; j++) {
                s += y[off + row * d + j];
                ss += (double) y[off + row * d + j] * y[off + row * d + j];
            }
            assertThat(s / d).isCloseTo(0, org.assertj.core.data.Offset.offset(1e-5));
            assertThat(ss / d).isCloseTo(1, org.assertj.core.data.Offset.offset(1e-3));
        }
    }
}
