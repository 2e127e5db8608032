package dev.vecprop.kernel;

import dev.vecprop.simd.FloatSpecies;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Vector form of {@link ConvWeightGrad}: 2 x 4 accumulator vectors per tile (over all samples of a batch when unpadded), scalar sums for the ragged row ends. */
final class ConvWeightGradVector {
    private ConvWeightGradVector() {}

    private static final VectorSpecies<Float> S = FloatSpecies.SPECIES;
    private static final int L = S.length();

    static void accumulate(float[] img, int base, int wp, int[] tap, float[] dy, int dyo, int oh, int ow,
                           int o0, int o1, int t0, int t1, int k, float[] dw, int dwo) {
        accumulate(img, base, 0, wp, tap, dy, dyo, 0, 1, oh, ow, o0, o1, t0, t1, k, dw, dwo);
    }

    /**
     * {@link ConvWeightGrad#accumulateBatch}: unpadded, the accumulators run over {@link #GROUP}
     * samples at a time and each weight's lanes are summed once per group (a lane sum per sample and
     * weight cost as much as the products); padded, sample by sample through the scratch. The bias sums go channel by channel
     * just before the channel's weights, so its gradient planes are in cache for them.
     */
    static void accumulateBatch(ConvGeometry g, ConvScratch sc, int batch, float[] x, int xo, float[] dy, int dyo,
                                int o0, int o1, float[] dw, int dwo, float[] db, int dbo) {
        int n = g.positions();
        int in = g.c * g.h * g.w;
        if (db != null) {
            float[] tmp = LANES.get();
            for (int o = o0; o < o1; o++) {
                db[dbo + o] += planeSum(dy, dyo + o * n, g.oc * n, batch, n, tmp);
            }
        }
        if (g.pad == 0) {
            for (int s0 = 0; s0 < batch; s0 += GROUP) {
                accumulate(x, xo + s0 * in, in, g.wp, g.tap, dy, dyo + s0 * g.oc * n, g.oc * n, Math.min(GROUP, batch - s0),
                        g.oh, g.ow, o0, o1, 0, g.k, g.k, dw, dwo);
            }
            return;
        }
        for (int s = 0; s < batch; s++) {
            int xs = xo + s * in;
            float[] img = sc.image(g, x, xs);
            accumulate(img, ConvScratch.imageBase(g, xs), 0, g.wp, g.tap, dy, dyo + s * g.oc * n, 0, 1,
                    g.oh, g.ow, o0, o1, 0, g.k, g.k, dw, dwo);
        }
    }

    /**
     * Samples per accumulation: each weight's lanes are summed once per group. A whole batch in one
     * call left the first calls of a run in slow code for a long time (one call of the interpreted or
     * C1 code took 0.6 s) and read each channel pair's gradient planes of all samples from L2.
     */
    private static final int GROUP = 8;

    /** Sum of {@code n} floats from {@code dy[d + s*ds]} over samples s, lanes first, then lane by lane. */
    private static float planeSum(float[] dy, int d, int ds, int samples, int n, float[] tmp) {
        int full = n - n % L;
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = FloatVector.zero(S);
        float rest = 0f;
        for (int s = 0; s < samples; s++) {
            int row = d + s * ds;
            int j = 0;
            for (; j + 2 * L <= full; j += 2 * L) {
                a0 = a0.add(FloatVector.fromArray(S, dy, row + j));
                a1 = a1.add(FloatVector.fromArray(S, dy, row + j + L));
            }
            for (; j < full; j += L) {
                a0 = a0.add(FloatVector.fromArray(S, dy, row + j));
            }
            for (; j < n; j++) {
                rest += dy[row + j];
            }
        }
        return sum(a0.add(a1), tmp) + rest;
    }

    /** Samples s < samples: image at img[base + s*xs], gradient planes at dy[dyo + s*ds]. */
    private static void accumulate(float[] img, int base, int xs, int wp, int[] tap, float[] dy, int dyo, int ds,
                                   int samples, int oh, int ow, int o0, int o1, int t0, int t1, int k, float[] dw, int dwo) {
        int full = ow - ow % L;
        float[] tmp = LANES.get();
        int o = o0;
        for (; o + 2 <= o1; o += 2) {
            int t = t0;
            for (; t + 4 <= t1; t += 4) {
                tile2x4(img, base, xs, wp, tap, t, dy, dyo, ds, samples, oh, ow, o, full, k, dw, dwo, tmp);
            }
            for (; t < t1; t++) {
                tile1x1(img, base, xs, wp, tap, t, dy, dyo, ds, samples, oh, ow, o, full, k, dw, dwo, tmp);
                tile1x1(img, base, xs, wp, tap, t, dy, dyo, ds, samples, oh, ow, o + 1, full, k, dw, dwo, tmp);
            }
        }
        for (; o < o1; o++) {
            for (int t = t0; t < t1; t++) {
                tile1x1(img, base, xs, wp, tap, t, dy, dyo, ds, samples, oh, ow, o, full, k, dw, dwo, tmp);
            }
        }
    }

    private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[L]);

    /** Lane sum in a fixed order (lane 0 first), so results do not depend on the JIT (unlike reduceLanes). */
    private static float sum(FloatVector v, float[] tmp) {
        v.intoArray(tmp, 0);
        float s = 0f;
        for (int i = 0; i < L; i++) {
            s += tmp[i];
        }
        return s;
    }

    private static void tile2x4(float[] img, int base, int xs, int wp, int[] tap, int t, float[] dy, int dyo, int ds,
                                int samples, int oh, int ow, int o, int full, int k, float[] dw, int dwo, float[] tmp) {
        FloatVector a00 = FloatVector.zero(S), a01 = FloatVector.zero(S), a02 = FloatVector.zero(S), a03 = FloatVector.zero(S);
        FloatVector a10 = FloatVector.zero(S), a11 = FloatVector.zero(S), a12 = FloatVector.zero(S), a13 = FloatVector.zero(S);
        int plane = oh * ow;
        boolean tail = full < ow && ow >= L;
        FloatVector keep = KEEP[ow - full];
        for (int s = 0; s < samples; s++) {
            int x0 = base + s * xs + tap[t];
            int x1 = base + s * xs + tap[t + 1];
            int x2 = base + s * xs + tap[t + 2];
            int x3 = base + s * xs + tap[t + 3];
            for (int oy = 0; oy < oh; oy++) {
                int d0 = dyo + s * ds + (o * oh + oy) * ow;
                int d1 = d0 + plane;
                int r = oy * wp;
                for (int c = 0; c < full; c += L) {
                    FloatVector g0 = FloatVector.fromArray(S, dy, d0 + c);
                    FloatVector g1 = FloatVector.fromArray(S, dy, d1 + c);
                    FloatVector v = FloatVector.fromArray(S, img, x0 + r + c);
                    a00 = g0.fma(v, a00);
                    a10 = g1.fma(v, a10);
                    v = FloatVector.fromArray(S, img, x1 + r + c);
                    a01 = g0.fma(v, a01);
                    a11 = g1.fma(v, a11);
                    v = FloatVector.fromArray(S, img, x2 + r + c);
                    a02 = g0.fma(v, a02);
                    a12 = g1.fma(v, a12);
                    v = FloatVector.fromArray(S, img, x3 + r + c);
                    a03 = g0.fma(v, a03);
                    a13 = g1.fma(v, a13);
                }
                if (tail) {
                    // the row's last L elements; lanes already counted are zeroed through dy
                    int c = ow - L;
                    FloatVector g0 = FloatVector.fromArray(S, dy, d0 + c).mul(keep);
                    FloatVector g1 = FloatVector.fromArray(S, dy, d1 + c).mul(keep);
                    FloatVector v = FloatVector.fromArray(S, img, x0 + r + c);
                    a00 = g0.fma(v, a00);
                    a10 = g1.fma(v, a10);
                    v = FloatVector.fromArray(S, img, x1 + r + c);
                    a01 = g0.fma(v, a01);
                    a11 = g1.fma(v, a11);
                    v = FloatVector.fromArray(S, img, x2 + r + c);
                    a02 = g0.fma(v, a02);
                    a12 = g1.fma(v, a12);
                    v = FloatVector.fromArray(S, img, x3 + r + c);
                    a03 = g0.fma(v, a03);
                    a13 = g1.fma(v, a13);
                }
            }
        }
        int w0 = dwo + o * k + t;
        int w1 = w0 + k;
        dw[w0] += sum(a00, tmp);
        dw[w0 + 1] += sum(a01, tmp);
        dw[w0 + 2] += sum(a02, tmp);
        dw[w0 + 3] += sum(a03, tmp);
        dw[w1] += sum(a10, tmp);
        dw[w1 + 1] += sum(a11, tmp);
        dw[w1 + 2] += sum(a12, tmp);
        dw[w1 + 3] += sum(a13, tmp);
        if (full < ow && ow < L) {
            for (int j = 0; j < 4; j++) {
                dw[w0 + j] += tailSum(img, base + tap[t + j], xs, wp, dy, dyo + o * plane, ds, samples, oh, ow, full, tmp);
                dw[w1 + j] += tailSum(img, base + tap[t + j], xs, wp, dy, dyo + (o + 1) * plane, ds, samples, oh, ow, full,
                        tmp);
            }
        }
    }

    /**
     * Sum over rows of the columns [full, ow) that do not fill a vector: the row's last L elements are
     * loaded (no mask needed) and the lanes already counted are zeroed by a 0/1 factor.
     */
    private static float tailSum(float[] img, int x, int xs, int wp, float[] dy, int d, int ds, int samples, int oh,
                                 int ow, int full, float[] tmp) {
        if (ow < L) {
            float sum = 0f;
            for (int s = 0; s < samples; s++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int c = 0; c < ow; c++) {
                        sum += dy[d + s * ds + oy * ow + c] * img[x + s * xs + oy * wp + c];
                    }
                }
            }
            return sum;
        }
        FloatVector keep = KEEP[ow - full];
        FloatVector acc = FloatVector.zero(S);
        int c = ow - L;
        for (int s = 0; s < samples; s++) {
            for (int oy = 0; oy < oh; oy++) {
                FloatVector g = FloatVector.fromArray(S, dy, d + s * ds + oy * ow + c).mul(keep);
                acc = g.fma(FloatVector.fromArray(S, img, x + s * xs + oy * wp + c), acc);
            }
        }
        return sum(acc, tmp);
    }

    /** KEEP[r]: 1 in the last r lanes, 0 elsewhere. */
    private static final FloatVector[] KEEP = keep();

    private static FloatVector[] keep() {
        FloatVector[] k = new FloatVector[L];
        for (int r = 0; r < L; r++) {
            float[] f = new float[L];
            for (int i = L - r; i < L; i++) {
                f[i] = 1f;
            }
            k[r] = FloatVector.fromArray(S, f, 0);
        }
        return k;
    }

    private static void tile1x1(float[] img, int base, int xs, int wp, int[] tap, int t, float[] dy, int dyo, int ds,
                                int samples, int oh, int ow, int o, int full, int k, float[] dw, int dwo, float[] tmp) {
        FloatVector a = FloatVector.zero(S);
        int x = base + tap[t];
        for (int s = 0; s < samples; s++) {
            for (int oy = 0; oy < oh; oy++) {
                int d = dyo + s * ds + (o * oh + oy) * ow;
                int r = x + s * xs + oy * wp;
                for (int c = 0; c < full; c += L) {
                    a = FloatVector.fromArray(S, dy, d + c).fma(FloatVector.fromArray(S, img, r + c), a);
                }
            }
        }
        dw[dwo + o * k + t] += sum(a, tmp);
        if (full < ow) {
            dw[dwo + o * k + t] += tailSum(img, x, xs, wp, dy, dyo + o * oh * ow, ds, samples, oh, ow, full, tmp);
        }
    }
}
