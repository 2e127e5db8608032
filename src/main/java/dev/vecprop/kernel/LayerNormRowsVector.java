package dev.vecprop.kernel;

import dev.vecprop.simd.FloatSpecies;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector bodies of {@link LayerNormRows}: rows reduced as vector partial sums, then the lanes added
 * in a fixed order (lane 0 first) and the row's tail after them, so the result does not depend on
 * the JIT (unlike {@code reduceLanes}) or on how rows are split over threads. Loaded only when enabled.
 */
final class LayerNormRowsVector {
    private LayerNormRowsVector() {}

    private static final VectorSpecies<Float> S = FloatSpecies.SPECIES;
    private static final int L = S.length();
    private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[L]);

    /** Lane sum, lane 0 first. */
    private static float sum(FloatVector v, float[] tmp) {
        v.intoArray(tmp, 0);
        float s = 0f;
        for (int i = 0; i < L; i++) {
            s += tmp[i];
        }
        return s;
    }

    static void forward(float[] x, int xo, int rows, int d, float[] gamma, int go, float[] beta, int bo,
                        float eps, float[] y, int yo, float[] stats, int so) {
        float[] tmp = LANES.get();
        int full = d - d % L;
        for (int r = 0; r < rows; r++) {
            int xi = xo + r * d;
            int yi = yo + r * d;
            FloatVector acc = FloatVector.zero(S);
            for (int j = 0; j < full; j += L) {
                acc = acc.add(FloatVector.fromArray(S, x, xi + j));
            }
            float s = sum(acc, tmp);
            for (int j = full; j < d; j++) {
                s += x[xi + j];
            }
            float mean = s / d;
            FloatVector m = FloatVector.broadcast(S, mean);
            acc = FloatVector.zero(S);
            for (int j = 0; j < full; j += L) {
                FloatVector c = FloatVector.fromArray(S, x, xi + j).sub(m);
                acc = c.fma(c, acc);
            }
            float ss = sum(acc, tmp);
            for (int j = full; j < d; j++) {
                float c = x[xi + j] - mean;
                ss += c * c;
            }
            float inv = LayerNormRowsRef.invStd(ss / d, eps);
            stats[so + 2 * r] = mean;
            stats[so + 2 * r + 1] = inv;
            FloatVector iv = FloatVector.broadcast(S, inv);
            for (int j = 0; j < full; j += L) {
                FloatVector.fromArray(S, x, xi + j).sub(m).mul(iv)
                        .fma(FloatVector.fromArray(S, gamma, go + j), FloatVector.fromArray(S, beta, bo + j))
                        .intoArray(y, yi + j);
            }
            for (int j = full; j < d; j++) {
                y[yi + j] = (x[xi + j] - mean) * inv * gamma[go + j] + beta[bo + j];
            }
        }
    }

    static void backward(float[] x, int xo, float[] dy, int dyo, int rows, int d, float[] gamma, int go,
                         float[] stats, int so, float[] dx, int dxo) {
        float[] tmp = LANES.get();
        int full = d - d % L;
        for (int r = 0; r < rows; r++) {
            int xi = xo + r * d;
            int gi = dyo + r * d;
            int di = dxo + r * d;
            float mean = stats[so + 2 * r];
            float inv = stats[so + 2 * r + 1];
            FloatVector m = FloatVector.broadcast(S, mean);
            FloatVector iv = FloatVector.broadcast(S, inv);
            FloatVector ag = FloatVector.zero(S);
            FloatVector agx = FloatVector.zero(S);
            for (int j = 0; j < full; j += L) {
                FloatVector g = FloatVector.fromArray(S, dy, gi + j).mul(FloatVector.fromArray(S, gamma, go + j));
                FloatVector xh = FloatVector.fromArray(S, x, xi + j).sub(m).mul(iv);
                ag = ag.add(g);
                agx = g.fma(xh, agx);
            }
            float sg = sum(ag, tmp);
            float sgx = sum(agx, tmp);
            for (int j = full; j < d; j++) {
                float g = dy[gi + j] * gamma[go + j];
                sg += g;
                sgx += g * ((x[xi + j] - mean) * inv);
            }
            float m1 = sg / d;
            float m2 = sgx / d;
            FloatVector vm1 = FloatVector.broadcast(S, m1);
            FloatVector vm2 = FloatVector.broadcast(S, m2);
            for (int j = 0; j < full; j += L) {
                FloatVector g = FloatVector.fromArray(S, dy, gi + j).mul(FloatVector.fromArray(S, gamma, go + j));
                FloatVector xh = FloatVector.fromArray(S, x, xi + j).sub(m).mul(iv);
                g.sub(vm1).sub(xh.mul(vm2)).mul(iv).intoArray(dx, di + j);
            }
            for (int j = full; j < d; j++) {
                float xh = (x[xi + j] - mean) * inv;
                dx[di + j] = inv * (dy[gi + j] * gamma[go + j] - m1 - xh * m2);
            }
        }
    }

    static void paramGrads(float[] x, int xo, float[] dy, int dyo, int rows, int d, float[] stats, int so,
                           float[] dgamma, int dgo, float[] dbeta, int dbo) {
        int j = 0;
        for (; j <= d - L; j += L) {
            FloatVector ag = FloatVector.fromArray(S, dgamma, dgo + j);
            FloatVector ab = FloatVector.fromArray(S, dbeta, dbo + j);
            for (int r = 0; r < rows; r++) {
                FloatVector g = FloatVector.fromArray(S, dy, dyo + r * d + j);
                FloatVector xh = FloatVector.fromArray(S, x, xo + r * d + j)
                        .sub(stats[so + 2 * r]).mul(stats[so + 2 * r + 1]);
                ag = g.fma(xh, ag);
                ab = ab.add(g);
            }
            ag.intoArray(dgamma, dgo + j);
            ab.intoArray(dbeta, dbo + j);
        }
        if (j < d) {
            LayerNormRowsRef.paramGrads(x, xo + j, dy, dyo + j, rows, d - j, d, stats, so, dgamma, dgo + j, dbeta, dbo + j);
        }
    }
}
