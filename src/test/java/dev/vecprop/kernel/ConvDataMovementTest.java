package dev.vecprop.kernel;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The convolution's data movements against their definitions: the zero border ({@link ZeroPad}),
 * the flipped kernel ({@link KernelFlip}), col2im (vector runs against the scalar twin, bit for bit,
 * over paddings and dilations that clip runs at both ends, and the twin against a scatter written
 * from the definition at stride 2), and the pitch-grid store ({@link DirectConv#store}) against its twin.
 */
class ConvDataMovementTest {

    private static float[] random(SplittableRandom rnd, int n) {
        return DirectConvTest.random(rnd, n);
    }

    @Test
    void zeroPadIsItsDefinition() {
        SplittableRandom rnd = new SplittableRandom(2);
        for (int[] g : new int[][]{{1, 3, 4, 0, 0}, {2, 5, 7, 1, 1}, {3, 4, 4, 2, 1}, {1, 1, 1, 0, 3}}) {
            int ch = g[0], hh = g[1], ww = g[2], ph = g[3], pw = g[4], slack = 5;
            float[] src = random(rnd, 3 + ch * hh * ww);
            float[] dst = random(rnd, ZeroPad.size(ch, hh, ww, ph, pw, slack) + 2);
            float after = dst[dst.length - 1];
            ZeroPad.pad(src, 3, ch, hh, ww, ph, pw, dst, slack);
            int h2 = hh + 2 * ph, w2 = ww + 2 * pw;
            for (int c = 0; c < ch; c++) {
                for (int y = 0; y < h2; y++) {
                    for (int x = 0; x < w2; x++) {
                        int yy = y - ph, xx = x - pw;
                        float want = yy >= 0 && yy < hh && xx >= 0 && xx < ww ? src[3 + (c * hh + yy) * ww + xx] : 0f;
                        assertThat(dst[(c * h2 + y) * w2 + x]).isEqualTo(want);
                    }
                }
            }
            for (int i = 0; i < slack; i++) {
                assertThat(dst[ch * h2 * w2 + i]).isEqualTo(0f);
            }
            assertThat(dst[dst.length - 1]).isEqualTo(after);
        }
    }

    @Test
    void kernelFlipIsItsDefinition() {
        SplittableRandom rnd = new SplittableRandom(4);
        int groups = 2, cpg = 3, opg = 2, kh = 2, kw = 3;
        float[] w = random(rnd, 1 + groups * opg * cpg * kh * kw);
        float[] flip = new float[2 + groups * cpg * opg * kh * kw];
        KernelFlip.flip(w, 1, groups, cpg, opg, kh, kw, flip, 2);
        int kb = opg * kh * kw;
        for (int gi = 0; gi < groups; gi++) {
            for (int c = 0; c < cpg; c++) {
                for (int o = 0; o < opg; o++) {
                    for (int i = 0; i < kh; i++) {
                        for (int j = 0; j < kw; j++) {
                            float want = w[1 + (((gi * opg + o) * cpg + c) * kh + (kh - 1 - i)) * kw + (kw - 1 - j)];
                            assertThat(flip[2 + (gi * cpg + c) * kb + (o * kh + i) * kw + j]).isEqualTo(want);
                        }
                    }
                }
            }
        }
    }

    @Test
    void col2imRunsMatchTwinBitForBit() {
        SplittableRandom rnd = new SplittableRandom(6);
        // c, h, w, k, pad, dil
        for (int[] g : new int[][]{{2, 9, 11, 3, 1, 1}, {1, 7, 20, 3, 2, 2}, {3, 6, 6, 1, 0, 1}, {1, 5, 40, 5, 4, 1}}) {
            ConvGeometry geo = new ConvGeometry(g[0], 4, g[3], g[3], 1, g[4], g[5], 1, g[1], g[2]);
            int n = geo.positions();
            float[] dcols = random(rnd, 1 + geo.k * n);
            float[] want = random(rnd, 2 + geo.c * geo.h * geo.w);
            float[] got = want.clone();
            Col2Im.accumulate(geo, dcols, 1, n, got, 2);
            Col2ImRef.accumulate(geo, dcols, 1, n, want, 2);
            for (int i = 0; i < want.length; i++) {
                assertThat(Float.floatToRawIntBits(got[i])).as("dx[%d]", i).isEqualTo(Float.floatToRawIntBits(want[i]));
            }
        }
    }

    @Test
    void col2imTwinIsTheAdjointOfIm2col() {
        SplittableRandom rnd = new SplittableRandom(8);
        ConvGeometry geo = new ConvGeometry(2, 3, 3, 3, 2, 1, 1, 1, 7, 8);
        int n = geo.positions();
        float[] dcols = random(rnd, geo.k * n);
        float[] dx = new float[geo.c * geo.h * geo.w];
        Col2ImRef.accumulate(geo, dcols, 0, n, dx, 0);
        double[] want = new double[dx.length];
        for (int c = 0; c < geo.c; c++) {
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    for (int p = 0; p < geo.oh; p++) {
                        for (int q = 0; q < geo.ow; q++) {
                            int yy = p * 2 - 1 + i, xx = q * 2 - 1 + j;
                            if (yy >= 0 && yy < geo.h && xx >= 0 && xx < geo.w) {
                                want[(c * geo.h + yy) * geo.w + xx] += dcols[((c * 3 + i) * 3 + j) * n + p * geo.ow + q];
                            }
                        }
                    }
                }
            }
        }
        for (int i = 0; i < dx.length; i++) {
            assertThat((double) dx[i]).isCloseTo(want[i], org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    @Test
    void storeMatchesTwinBitForBit() {
        SplittableRandom rnd = new SplittableRandom(10);
        for (int[] g : new int[][]{{3, 4, 5, 3}, {2, 24, 26, 24}, {5, 3, 40, 33}, {1, 2, 17, 16}, {2, 1, 9, 1}}) {
            int rows = g[0], oh = g[1], pitch = g[2], ow = g[3];
            int ldo = DirectConv.paddedColumns((oh - 1) * pitch + ow) + 1;
            float[] out = random(rnd, 1 + rows * ldo);
            float[] bias = random(rnd, rows + 1);
            for (int mode = 0; mode < 3; mode++) {
                float[] got = random(rnd, 2 + rows * oh * ow + 3);
                float[] want = got.clone();
                float[] b = mode == 0 ? null : bias;
                boolean relu = mode == 2;
                DirectConv.store(out, 1, ldo, rows, pitch, oh, ow, b, 1, relu, got, 2);
                DirectConvRef.store(out, 1, ldo, rows, pitch, oh, ow, b, 1, relu, want, 2);
                for (int i = 0; i < want.length; i++) {
                    assertThat(Float.floatToRawIntBits(got[i])).as("geometry %s mode %d y[%d]", java.util.Arrays.toString(g), mode, i)
                            .isEqualTo(Float.floatToRawIntBits(want[i]));
                }
            }
        }
    }
}
