package dev.vecprop.kernel;

/**
 * Scalar twins of {@link Activations}: plain loops that define each elementwise kernel, used as
 * the test oracle and as the path taken when the Vector API is off.
 * Backward kernels write {@code dx = dy * f'(.)} (they do not accumulate).
 */
public final class ActivationsRef {
    private ActivationsRef() {}

    // Abramowitz & Stegun 7.1.26: |erf error| <= 1.5e-7, below float32 resolution near 1.
    static final float ERF_P = 0.3275911f;
    static final float ERF_A1 = 0.254829592f;
    static final float ERF_A2 = -0.284496736f;
    static final float ERF_A3 = 1.421413741f;
    static final float ERF_A4 = -1.453152027f;
    static final float ERF_A5 = 1.061405429f;
    static final float INV_SQRT2 = 0.70710678118654752f;
    static final float INV_SQRT_2PI = 0.39894228040143268f;
    static final float SQRT_2_OVER_PI = 0.79788456080286536f;
    static final float GELU_C = 0.044715f;

    public static void relu(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] = Math.max(x[xo + i], 0f);
        }
    }

    /** dx = dy where y > 0, else 0 (y = the ReLU output). */
    public static void reluBackward(float[] y, int yo, float[] dy, int dyo, float[] dx, int dxo, int n) {
        for (int i = 0; i < n; i++) {
            dx[dxo + i] = y[yo + i] > 0f ? dy[dyo + i] : 0f;
        }
    }

    public static void leakyRelu(float[] x, int xo, float[] y, int yo, int n, float slope) {
        for (int i = 0; i < n; i++) {
            float v = x[xo + i];
            y[yo + i] = v > 0f ? v : v * slope;
        }
    }

    public static void leakyReluBackward(float[] x, int xo, float[] dy, int dyo, float[] dx, int dxo, int n,
                                         float slope) {
        for (int i = 0; i < n; i++) {
            float g = dy[dyo + i];
            dx[dxo + i] = x[xo + i] > 0f ? g : g * slope;
        }
    }

    public static void sigmoid(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] = sigmoid(x[xo + i]);
        }
    }

    /** A sigmoid that never overflows: 1/(1+e^-x) for x >= 0, e^x/(1+e^x) below. */
    public static float sigmoid(float x) {
        if (x >= 0f) {
            return (float) (1.0 / (1.0 + Math.exp(-x)));
        }
        double e = Math.exp(x);
        return (float) (e / (1.0 + e));
    }

    /** dx = dy * y * (1 - y) (y = the sigmoid output). */
    public static void sigmoidBackward(float[] y, int yo, float[] dy, int dyo, float[] dx, int dxo, int n) {
        for (int i = 0; i < n; i++) {
            float s = y[yo + i];
            dx[dxo + i] = dy[dyo + i] * s * (1f - s);
        }
    }

    public static void tanh(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] = (float) Math.tanh(x[xo + i]);
        }
    }

    /** dx = dy * (1 - y^2) (y = the tanh output). */
    public static void tanhBackward(float[] y, int yo, float[] dy, int dyo, float[] dx, int dxo, int n) {
        for (int i = 0; i < n; i++) {
            float t = y[yo + i];
            dx[dxo + i] = dy[dyo + i] * (1f - t * t);
        }
    }

    /** erf(x) by Abramowitz &amp; Stegun 7.1.26 (the same formula the vector kernel uses). */
    public static float erf(float x) {
        float ax = Math.abs(x);
        float t = 1f / (1f + ERF_P * ax);
        float poly = ((((ERF_A5 * t + ERF_A4) * t + ERF_A3) * t + ERF_A2) * t + ERF_A1) * t;
        float r = 1f - poly * (float) Math.exp(-ax * ax);
        return Math.copySign(r, x);
    }

    /** Exact GELU: x * Phi(x), Phi the standard normal CDF (PyTorch's default). */
    public static void gelu(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[xo + i];
            y[yo + i] = 0.5f * v * (1f + erf(v * INV_SQRT2));
        }
    }

    /** dx = dy * (Phi(x) + x * phi(x)). */
    public static void geluBackward(float[] x, int xo, float[] dy, int dyo, float[] dx, int dxo, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[xo + i];
            float cdf = 0.5f * (1f + erf(v * INV_SQRT2));
            float pdf = INV_SQRT_2PI * (float) Math.exp(-0.5f * v * v);
            dx[dxo + i] = dy[dyo + i] * (cdf + v * pdf);
        }
    }

    /** GELU, tanh approximation: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
    public static void geluTanh(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[xo + i];
            float u = SQRT_2_OVER_PI * (v + GELU_C * v * v * v);
            y[yo + i] = 0.5f * v * (1f + (float) Math.tanh(u));
        }
    }

    public static void geluTanhBackward(float[] x, int xo, float[] dy, int dyo, float[] dx, int dxo, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[xo + i];
            float u = SQRT_2_OVER_PI * (v + GELU_C * v * v * v);
            float t = (float) Math.tanh(u);
            float du = SQRT_2_OVER_PI * (1f + 3f * GELU_C * v * v);
            dx[dxo + i] = dy[dyo + i] * (0.5f * (1f + t) + 0.5f * v * (1f - t * t) * du);
        }
    }

    /** out = a * b elementwise. */
    public static void mul(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = a[ao + i] * b[bo + i];
        }
    }

    /** out = a + b elementwise. */
    public static void add(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = a[ao + i] + b[bo + i];
        }
    }

    /** sums[so + j] += sum over rows r of x[xo + r*cols + j], rows in order. */
    public static void columnSumsAccumulate(float[] x, int xo, int rows, int cols, float[] sums, int so) {
        for (int r = 0; r < rows; r++) {
            int row = xo + r * cols;
            for (int j = 0; j < cols; j++) {
                sums[so + j] += x[row + j];
            }
        }
    }
}
