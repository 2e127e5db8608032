package dev.vecprop.kernel;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The direct convolution kernels against their scalar twin, bit for bit (both chain Math.fma in the
 * same order), over position counts that hit every tile and vector tail, channel counts that leave
 * partial weight panels, tap ranges that end inside a tile; the twin against a six-loop convolution;
 * the transpose against its definition.
 */
class DirectConvTest {

    /** Taps of a kh x kw kernel over {@code ch} channels of a (rows, pitch) image. */
    static int[] taps(int ch, int kh, int kw, int dil, int rows, int pitch) {
        int[] t = new int[ch * kh * kw];
        for (int c = 0, r = 0; c < ch; c++) {
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++, r++) {
                    t[r] = (c * rows + i * dil) * pitch + j * dil;
                }
            }
        }
        return t;
    }

    static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return a;
    }

    @Test
    void forwardMatchesTwinBitForBit() {
        SplittableRandom rnd = new SplittableRandom(3);
        int mr = DirectConv.rows();
        for (int[] g : new int[][]{{1, 28, 28, 3, 1}, {3, 9, 11, 3, 1}, {2, 12, 40, 5, 1}, {4, 10, 10, 3, 2}, {2, 6, 70, 1, 1}}) {
            int ch = g[0], rows = g[1], pitch = g[2], kk = g[3], dil = g[4];
            int[] tap = taps(ch, kk, kk, dil, rows, pitch);
            int k = tap.length;
            int maxN = (rows - dil * (kk - 1) - 1) * pitch + pitch - dil * (kk - 1);
            for (int n : new int[]{1, 7, 15, 16, 17, 31, 33, 47, 48, 49, 95, 97, maxN}) {
                if (n > maxN) {
                    continue;
                }
                float[] img = random(rnd, 5 + ch * rows * pitch + DirectConv.imageSlack() + 64);
                for (int m : new int[]{1, 3, 4, 5, 8, 9, 17}) {
                    int blocks = (m + mr - 1) / mr;
                    float[] w = random(rnd, m * k + 2);
                    float[] wp = new float[1 + blocks * mr * k];
                    assertThat(DirectConv.packWeights(w, 2, k, m, k, wp, 1)).isEqualTo(blocks);
                    int ldo = DirectConv.paddedColumns(n) + 3;
                    float[] got = new float[2 + blocks * mr * ldo];
                    float[] want = new float[got.length];
                    DirectConv.forward(wp, 1, blocks, k, img, 5, tap, n, got, 2, ldo);
                    DirectConvRef.forward(wp, 1, blocks, k, img, 5, tap, n, want, 2, ldo, mr);
                    for (int o = 0; o < blocks * mr; o++) {
                        for (int j = 0; j < n; j++) {
                            int i = 2 + o * ldo + j;
                            if (Float.floatToRawIntBits(got[i]) != Float.floatToRawIntBits(want[i])) {
                                throw new AssertionError("geometry " + Arrays.toString(g) + " n " + n + " m " + m
                                        + ": out[" + o + "][" + j + "] = " + got[i] + ", twin " + want[i]);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void weightGradMatchesTwinBitForBit() {
        SplittableRandom rnd = new SplittableRandom(5);
        for (int[] g : new int[][]{{1, 28, 28, 3, 1}, {3, 9, 11, 3, 1}, {2, 12, 17, 5, 2}, {2, 6, 20, 1, 1}}) {
            int ch = g[0], rows = g[1], pitch = g[2], kk = g[3], dil = g[4];
            int[] tap = taps(ch, kk, kk, dil, rows, pitch);
            int k = tap.length;
            int oh = rows - dil * (kk - 1);
            int ow = pitch - dil * (kk - 1);
            float[] img = random(rnd, 3 + ch * rows * pitch);
            for (int oc : new int[]{1, 5, 16, 33}) {
                int step = DirectConv.channelStep(oc);
                int ldt = (oc + step - 1) / step * step;
                float[] dy = random(rnd, oc * oh * ow);
                float[] dyt = new float[4 + oh * ow * ldt];
                Transpose.transpose(dy, 0, oh * ow, oc, oh * ow, dyt, 4, ldt);
                for (int[] rg : new int[][]{{0, k}, {1, k}, {0, Math.min(k, 5)}, {k - 1, k}}) {
                    float[] want = random(rnd, 1 + k * ldt);
                    float[] got = want.clone();
                    DirectConv.weightGrad(img, 3, pitch, tap, rg[0], rg[1], dyt, 4, ldt, oh, ow, got, 1);
                    DirectConvRef.weightGrad(img, 3, pitch, tap, rg[0], rg[1], dyt, 4, ldt, oh, ow, want, 1);
                    for (int i = 0; i < want.length; i++) {
                        if (Float.floatToRawIntBits(got[i]) != Float.floatToRawIntBits(want[i])) {
                            throw new AssertionError("geometry " + Arrays.toString(g) + " oc " + oc + " taps "
                                    + Arrays.toString(rg) + ": dwt[" + i + "] = " + got[i] + ", twin " + want[i]);
                        }
                    }
                }
            }
        }
    }

    /** The twins against the six loops of a valid 3x3 convolution of a 2-channel 5x6 image into 3 channels. */
    @Test
    void twinsAreTheConvolution() {
        SplittableRandom rnd = new SplittableRandom(9);
        int c = 2, h = 5, w = 6, oc = 3, kk = 3, oh = 3, ow = 4;
        float[] x = random(rnd, c * h * w);
        float[] wt = random(rnd, oc * c * kk * kk);
        int[] tap = taps(c, kk, kk, 1, h, w);
        int k = tap.length;
        float[] wp = new float[oc * k];
        for (int o = 0; o < oc; o++) {
            for (int r = 0; r < k; r++) {
                wp[r * oc + o] = wt[o * k + r]; // one panel of oc rows
            }
        }
        int n = (oh - 1) * w + ow;
        float[] out = new float[oc * n];
        DirectConvRef.forward(wp, 0, 1, k, x, 0, tap, n, out, 0, n, oc);
        float[] dy = random(rnd, oc * oh * ow);
        float[] dyt = new float[oh * ow * oc];
        Transpose.transpose(dy, 0, oh * ow, oc, oh * ow, dyt, 0, oc);
        float[] dwt = new float[k * oc];
        DirectConvRef.weightGrad(x, 0, w, tap, 0, k, dyt, 0, oc, oh, ow, dwt, 0);
        for (int o = 0; o < oc; o++) {
            for (int ci = 0; ci < c; ci++) {
                for (int i = 0; i < kk; i++) {
                    for (int j = 0; j < kk; j++) {
                        double sw = 0;
                        for (int p = 0; p < oh; p++) {
                            for (int q = 0; q < ow; q++) {
                                sw += x[(ci * h + p + i) * w + q + j] * dy[(o * oh + p) * ow + q];
                            }
                        }
                        assertThat((double) dwt[((ci * kk + i) * kk + j) * oc + o]).isCloseTo(sw, org.assertj.core.data.Offset.offset(1e-5));
                    }
                }
            }
            for (int p = 0; p < oh; p++) {
                for (int q = 0; q < ow; q++) {
                    double s = 0;
                    for (int ci = 0; ci < c; ci++) {
                        for (int i = 0; i < kk; i++) {
                            for (int j = 0; j < kk; j++) {
                                s += (double) wt[((o * c + ci) * kk + i) * kk + j] * x[(ci * h + p + i) * w + q + j];
                            }
                        }
                    }
                    assertThat((double) out[o * n + p * w + q]).isCloseTo(s, org.assertj.core.data.Offset.offset(1e-5));
                }
            }
        }
    }

    @Test
    void columnSumsMatchTwinBitForBit() {
        SplittableRandom rnd = new SplittableRandom(12);
        int step = DirectConv.channelStep(64);
        for (int rows : new int[]{1, 5, 576, 677}) {
            for (int ldt : new int[]{DirectConv.channelStep(1), step, 2 * step}) { // the narrow tile's, the wide one's
                float[] t = random(rnd, 3 + rows * ldt);
                float[] want = random(rnd, 2 + ldt);
                float[] got = want.clone();
                DirectConv.columnSums(t, 3, rows, ldt, got, 2);
                DirectConvRef.columnSums(t, 3, rows, ldt, want, 2);
                for (int i = 0; i < want.length; i++) {
                    assertThat(Float.floatToRawIntBits(got[i])).as("rows %d ldt %d sums[%d]", rows, ldt, i)
                            .isEqualTo(Float.floatToRawIntBits(want[i]));
                }
            }
        }
    }

    @Test
    void transposeIsItsDefinition() {
        SplittableRandom rnd = new SplittableRandom(1);
        for (int[] g : new int[][]{{1, 1}, {3, 70}, {9, 130}, {64, 576}}) {
            int rows = g[0], cols = g[1], lda = cols + 2, ldt = rows + 3;
            float[] a = random(rnd, 1 + rows * lda);
            float[] t = random(rnd, 2 + cols * ldt);
            Transpose.transpose(a, 1, lda, rows, cols, t, 2, ldt);
            for (int j = 0; j < cols; j++) {
                for (int i = 0; i < ldt; i++) {
                    assertThat(t[2 + j * ldt + i]).isEqualTo(i < rows ? a[1 + i * lda + j] : 0f);
                }
            }
        }
    }
}
