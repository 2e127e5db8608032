package dev.vecprop.kernel;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The LSTM and GRU cell kernels against their scalar twins at hidden sizes that hit every tail, on
 * pre-activations wide enough to saturate the gates (|a| up to ~20), including the extremes where
 * the exponential is clamped; the same test runs at every vector width ({@code -Dvecprop.vectorBits}).
 */
class RecurrentCellsTest {
    private static final double TOL = 3e-6;

    private static float[] gaussian(Random r, int n, double sd) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextGaussian() * sd);
        }
        return a;
    }

    private static void close(String what, float[] want, float[] got) {
        for (int i = 0; i < want.length; i++) {
            assertThat((double) got[i]).as("%s[%d]", what, i)
                    .isCloseTo(want[i], org.assertj.core.data.Offset.offset(TOL * Math.max(1, Math.abs(want[i]))));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 8, 15, 16, 17, 33, 64, 127, 128, 130})
    void lstmCellMatchesItsTwin(int n) {
        Random r = new Random(n);
        int off = 5;
        float[] g = gaussian(r, off + 4 * n, 6);
        g[off] = 200f;   // clamped exponential
        g[off + 4 * n - 1] = -200f;
        float[] b = gaussian(r, off + 8 * n, 0.5);
        float[] c = gaussian(r, off + 2 * n, 2);
        float[] gv = g.clone();
        float[] cv = c.clone();
        float[] h = new float[off + n];
        float[] hv = new float[off + n];
        float[] tc = new float[off + n];
        float[] tcv = new float[off + n];
        RecurrentCellsRef.lstmForward(g, off, b, off, off + 4 * n, c, off, off + n, tc, off, h, off, n, 0);
        RecurrentCells.lstmForward(gv, off, b, off, off + 4 * n, cv, off, off + n, tcv, off, hv, off, n);
        close("lstm gates", g, gv);
        close("lstm c", c, cv);
        close("lstm tanh(c)", tc, tcv);
        close("lstm h", h, hv);
        float[] dh = gaussian(r, off + n, 1);
        float[] dc = gaussian(r, off + n, 1);
        float[] dcv = dc.clone();
        RecurrentCellsRef.lstmBackward(g, off, c, off, tc, off, dh, off, dc, off, n, 0);
        RecurrentCells.lstmBackward(gv, off, cv, off, tcv, off, dh, off, dcv, off, n);
        close("lstm dgates", g, gv);
        close("lstm dc", dc, dcv);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 8, 15, 16, 17, 33, 64, 127, 128, 130})
    void gruCellMatchesItsTwin(int n) {
        Random r = new Random(n + 100);
        int off = 3;
        float[] gx = gaussian(r, off + 3 * n, 6);
        gx[off + 2 * n] = 150f;
        float[] gh = gaussian(r, off + 3 * n, 3);
        float[] b = gaussian(r, off + 6 * n, 0.5);
        float[] h = gaussian(r, off + 2 * n, 1);
        float[] gxv = gx.clone();
        float[] hv = h.clone();
        float[] hn = new float[off + n];
        float[] hnv = new float[off + n];
        RecurrentCellsRef.gruForward(gx, off, gh, off, b, off, off + 3 * n, hn, off, h, off, off + n, n, 0);
        RecurrentCells.gruForward(gxv, off, gh, off, b, off, off + 3 * n, hnv, off, hv, off, off + n, n);
        close("gru r,z,n", gx, gxv);
        close("gru hn", hn, hnv);
        close("gru h", h, hv);
        float[] dh = gaussian(r, off + n, 1);
        float[] dhp = gaussian(r, off + n, 1);
        float[] dhpv = dhp.clone();
        float[] dgh = new float[off + 3 * n];
        float[] dghv = new float[off + 3 * n];
        RecurrentCellsRef.gruBackward(gx, off, dgh, off, hn, off, h, off, dh, off, dhp, off, n, 0);
        RecurrentCells.gruBackward(gxv, off, dghv, off, hnv, off, hv, off, dh, off, dhpv, off, n);
        close("gru dgx", gx, gxv);
        close("gru dgh", dgh, dghv);
        close("gru dh_prev", dhp, dhpv);
    }
}
