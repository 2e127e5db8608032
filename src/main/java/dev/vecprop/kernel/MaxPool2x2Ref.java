package dev.vecprop.kernel;

/** Scalar twin of {@link MaxPool2x2}: the definition, and the path without the Vector API. */
public final class MaxPool2x2Ref {
    private MaxPool2x2Ref() {}

    public static void forward(float[] x, int xo, int planes, int h, int w, float[] y, int yo, float[] arg, int ao) {
        int oh = h / 2;
        int ow = w / 2;
        for (int pl = 0; pl < planes; pl++) {
            int in = xo + pl * h * w;
            int out = pl * oh * ow;
            for (int p = 0; p < oh; p++) {
                rows(x, in, w, p, 0, ow, y, yo + out + p * ow, arg, ao + out + p * ow);
            }
        }
    }

    public static void backward(float[] dy, int dyo, float[] arg, int ao, float[] y, int yo, int planes, int h, int w,
                                float[] dx, int dxo) {
        int n = (h / 2) * (w / 2);
        java.util.Arrays.fill(dx, dxo, dxo + planes * h * w, 0f);
        for (int pl = 0; pl < planes; pl++) {
            int in = dxo + pl * h * w;
            int out = pl * n;
            for (int o = 0; o < n; o++) {
                if (y == null || y[yo + out + o] > 0f) {
                    dx[in + (int) arg[ao + out + o]] += dy[dyo + out + o];
                }
            }
        }
    }

    /**
     * Input row r of one plane, every element: {@code 0 + dy} where the window's argmax is the column
     * (and, with y, y > 0), else 0, as {@link #backward} gives it; outputs from dy[dyo], arg[ao], y[yo].
     */
    static void backwardRow(float[] dy, int dyo, float[] arg, int ao, float[] y, int yo, int ow, int r, int w,
                            float[] dx, int xrow) {
        for (int j = 0; j < w; j++) {
            int o = j / 2;
            boolean hit = o < ow && (int) arg[ao + o] == r * w + j && (y == null || y[yo + o] > 0f);
            dx[xrow + j] = hit ? 0f + dy[dyo + o] : 0f;
        }
    }

    /** Outputs [q0,q1) of output row p of one plane (input at x[in]). */
    static void rows(float[] x, int in, int w, int p, int q0, int q1, float[] y, int yo, float[] arg, int ao) {
        int r0 = in + 2 * p * w;
        int r1 = r0 + w;
        for (int q = q0; q < q1; q++) {
            int col = 2 * q;
            float a = x[r0 + col];
            float b = x[r0 + col + 1];
            float c = x[r1 + col];
            float d = x[r1 + col + 1];
            float best = a;
            int at = 2 * p * w + col;
            boolean t = b > best || b != b && best == best;
            best = t ? b : best;
            at = t ? 2 * p * w + col + 1 : at;
            t = c > best || c != c && best == best;
            best = t ? c : best;
            at = t ? 2 * p * w + w + col : at;
            t = d > best || d != d && best == best;
            best = t ? d : best;
            at = t ? 2 * p * w + w + col + 1 : at;
            y[yo + q] = best;
            arg[ao + q] = at;
        }
    }
}
