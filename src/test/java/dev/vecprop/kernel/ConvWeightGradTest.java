package dev.vecprop.kernel;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The direct few-tap weight gradient against its scalar twin (to rounding: they sum in different
 * orders) over row lengths that hit every tail, channel and tap ranges that hit every tile edge,
 * and a dilated kernel; and the twin against a hand-checked value.
 */
class ConvWeightGradTest {

    @Test
    void vectorKernelMatchesScalarTwin() {
        SplittableRandom rnd = new SplittableRandom(17);
        int[][] geo = {{28, 28, 5, 1}, {28, 28, 3, 1}, {9, 7, 3, 1}, {13, 17, 2, 2}, {6, 40, 1, 1}, {30, 33, 3, 1}};
        for (int[] g : geo) {
            int hp = g[0], wp = g[1], kk = g[2], dil = g[3];
            int ch = 2;
            int oh = hp - dil * (kk - 1);
            int ow = wp - dil * (kk - 1);
            int k = ch * kk * kk;
            int[] tap = new int[k];
            for (int c = 0, r = 0; c < ch; c++) {
                for (int i = 0; i < kk; i++) {
                    for (int j = 0; j < kk; j++, r++) {
                        tap[r] = (c * hp + i * dil) * wp + j * dil;
                    }
                }
            }
            float[] img = random(rnd, 3 + ch * hp * wp);
            for (int oc : new int[]{1, 2, 5, 6, 7}) {
                float[] dy = random(rnd, 4 + oc * oh * ow);
                int[][] ranges = {{0, oc, 0, k}, {oc / 2, oc, 1, k}, {0, Math.min(oc, 3), k / 2, k}};
                for (int[] rg : ranges) {
                    if (rg[1] <= rg[0] || rg[3] <= rg[2]) {
                        continue;
                    }
                    float[] want = random(rnd, 2 + oc * k);
                    float[] got = want.clone();
                    ConvWeightGradRef.accumulate(img, 3, wp, tap, dy, 4, oh, ow, rg[0], rg[1], rg[2], rg[3], k, want, 2);
                    ConvWeightGrad.accumulate(img, 3, wp, tap, dy, 4, oh, ow, rg[0], rg[1], rg[2], rg[3], k, got, 2);
                    for (int i = 0; i < want.length; i++) {
                        double tol = 1e-4 * Math.sqrt(oh * ow) + 1e-5;
                        if (Math.abs(got[i] - want[i]) > tol) {
                            throw new AssertionError("geometry " + java.util.Arrays.toString(g) + " oc " + oc + " range "
                                    + java.util.Arrays.toString(rg) + ": dw[" + i + "] = " + got[i] + ", twin " + want[i]);
                        }
                    }
                }
            }
        }
    }

    /**
     * The batch entry point with the bias: vector against twin (to rounding) for batches that fill
     * and do not fill the vector kernel's sample groups, unpadded and padded, over channel ranges.
     */
    @Test
    void batchWithBiasMatchesScalarTwin() {
        SplittableRandom rnd = new SplittableRandom(23);
        ConvScratch sc = ConvScratch.get();
        for (int pad : new int[]{0, 1}) {
            for (int batch : new int[]{1, 8, 19}) {
                ConvGeometry g = new ConvGeometry(1, 7, 3, 3, 1, pad, 1, 1, 13, 21);
                float[] x = random(rnd, 5 + batch * 13 * 21);
                float[] dy = random(rnd, 3 + batch * 7 * g.positions());
                for (int[] rg : new int[][]{{0, 7}, {3, 6}}) {
                    float[] dwWant = random(rnd, 63);
                    float[] dbWant = random(rnd, 7);
                    float[] dwGot = dwWant.clone();
                    float[] dbGot = dbWant.clone();
                    ConvWeightGradRef.accumulateBatch(g, sc, batch, x, 5, dy, 3, rg[0], rg[1], dwWant, 0, dbWant, 0);
                    ConvWeightGrad.accumulateBatch(g, sc, batch, x, 5, dy, 3, rg[0], rg[1], dwGot, 0, dbGot, 0);
                    double tol = 1e-4 * Math.sqrt(batch * g.positions()) + 1e-5;
                    for (int i = 0; i < 63; i++) {
                        assertThat(Math.abs(dwGot[i] - dwWant[i])).as("dw[%d], pad %d, batch %d", i, pad, batch)
                                .isLessThanOrEqualTo((float) tol);
                    }
                    for (int i = 0; i < 7; i++) {
                        assertThat(Math.abs(dbGot[i] - dbWant[i])).as("db[%d], pad %d, batch %d", i, pad, batch)
                                .isLessThanOrEqualTo((float) tol);
                        if (i < rg[0] || i >= rg[1]) {
                            assertThat(dbGot[i]).isEqualTo(dbWant[i]);
                        }
                    }
                }
            }
        }
    }

    @Test
    void twinIsTheDefinition() {
        // 1 channel, 2x2 image, 1x1 kernel, one output channel: dw = sum dy * x
        float[] img = {1, 2, 3, 4};
        float[] dy = {0.5f, -1, 2, 0.25f};
        float[] dw = {10};
        ConvWeightGradRef.accumulate(img, 0, 2, new int[]{0}, dy, 0, 2, 2, 0, 1, 0, 1, 1, dw, 0);
        assertThat(dw[0]).isEqualTo(10 + 0.5f - 2 + 6 + 1);
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return a;
    }
}
