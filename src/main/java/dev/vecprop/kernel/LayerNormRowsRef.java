package dev.vecprop.kernel;

/** Scalar twin of {@link LayerNormRows}: the definition, sums in index order in float. */
public final class LayerNormRowsRef {
    private LayerNormRowsRef() {}

    /** See {@link LayerNormRows#forward}. */
    public static void forward(float[] x, int xo, int rows, int d, float[] gamma, int go, float[] beta, int bo,
                               float eps, float[] y, int yo, float[] stats, int so) {
        for (int r = 0; r < rows; r++) {
            int xi = xo + r * d;
            int yi = yo + r * d;
            float s = 0f;
            for (int j = 0; j < d; j++) {
                s += x[xi + j];
            }
            float mean = s / d;
            float ss = 0f;
            for (int j = 0; j < d; j++) {
                float c = x[xi + j] - mean;
                ss += c * c;
            }
            float inv = invStd(ss / d, eps);
            stats[so + 2 * r] = mean;
            stats[so + 2 * r + 1] = inv;
            for (int j = 0; j < d; j++) {
                y[yi + j] = (x[xi + j] - mean) * inv * gamma[go + j] + beta[bo + j];
            }
        }
    }

    /** {@code 1 / sqrt(var + eps)}, in double, rounded once. */
    static float invStd(float var, float eps) {
        return (float) (1.0 / Math.sqrt((double) var + eps));
    }

    /** See {@link LayerNormRows#backward}. */
    public static void backward(float[] x, int xo, float[] dy, int dyo, int rows, int d, float[] gamma, int go,
                                float[] stats, int so, float[] dx, int dxo) {
        for (int r = 0; r < rows; r++) {
            int xi = xo + r * d;
            int gi = dyo + r * d;
            int di = dxo + r * d;
            float mean = stats[so + 2 * r];
            float inv = stats[so + 2 * r + 1];
            float sg = 0f;
            float sgx = 0f;
            for (int j = 0; j < d; j++) {
                float g = dy[gi + j] * gamma[go + j];
                sg += g;
                sgx += g * ((x[xi + j] - mean) * inv);
            }
            float m1 = sg / d;
            float m2 = sgx / d;
            for (int j = 0; j < d; j++) {
                float xh = (x[xi + j] - mean) * inv;
                dx[di + j] = inv * (dy[gi + j] * gamma[go + j] - m1 - xh * m2);
            }
        }
    }

    /** See {@link LayerNormRows#paramGrads}. */
    public static void paramGrads(float[] x, int xo, float[] dy, int dyo, int rows, int d, float[] stats, int so,
                                  float[] dgamma, int dgo, float[] dbeta, int dbo) {
        paramGrads(x, xo, dy, dyo, rows, d, d, stats, so, dgamma, dgo, dbeta, dbo);
    }

    /** {@link #paramGrads} over the first {@code cols} columns of rows {@code ld} floats apart. */
    static void paramGrads(float[] x, int xo, float[] dy, int dyo, int rows, int cols, int ld, float[] stats, int so,
                           float[] dgamma, int dgo, float[] dbeta, int dbo) {
        for (int j = 0; j < cols; j++) {
            float ag = dgamma[dgo + j];
            float ab = dbeta[dbo + j];
            for (int r = 0; r < rows; r++) {
                float g = dy[dyo + r * ld + j];
                float xh = (x[xo + r * ld + j] - stats[so + 2 * r]) * stats[so + 2 * r + 1];
                ag += g * xh;
                ab += g;
            }
            dgamma[dgo + j] = ag;
            dbeta[dbo + j] = ab;
        }
    }
}
