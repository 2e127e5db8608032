package dev.vecprop.kernel;

/** Scalar twin of {@link DirectConv}: the definition, and the path without the Vector API. */
public final class DirectConvRef {
    private DirectConvRef() {}

    /** See {@link DirectConv#forward}; panels of {@code mr} rows as {@link DirectConv#packWeights} writes them. */
    public static void forward(float[] wp, int wpo, int blocks, int k, float[] img, int io, int[] tap, int n,
                               float[] out, int oo, int ldo, int mr) {
        for (int o = 0; o < blocks * mr; o++) {
            int a = wpo + (o / mr) * k * mr + o % mr;
            for (int j = 0; j < n; j++) {
                float s = 0f;
                for (int r = 0; r < k; r++) {
                    s = Math.fma(wp[a + r * mr], img[io + tap[r] + j], s);
                }
                out[oo + o * ldo + j] = s;
            }
        }
    }

    static void forward(float[] wp, int wpo, int blocks, int k, float[] img, int io, int[] tap, int n,
                        float[] out, int oo, int ldo) {
        forward(wp, wpo, blocks, k, img, io, tap, n, out, oo, ldo, 1);
    }

    /** See {@link DirectConv#weightGrad}. */
    public static void weightGrad(float[] img, int io, int pitch, int[] tap, int r0, int r1, float[] dyt, int dto,
                                  int ldt, int oh, int ow, float[] dwt, int dwo) {
        for (int r = r0; r < r1; r++) {
            for (int o = 0; o < ldt; o++) {
                float s = 0f;
                for (int p = 0; p < oh; p++) {
                    for (int q = 0; q < ow; q++) {
                        s = Math.fma(img[io + tap[r] + p * pitch + q], dyt[dto + (p * ow + q) * ldt + o], s);
                    }
                }
                dwt[dwo + r * ldt + o] += s;
            }
        }
    }

    /** See {@link DirectConv#store}. */
    public static void store(float[] out, int oo, int ldo, int rows, int pitch, int oh, int ow,
                             float[] bias, int bo, boolean relu, float[] y, int yo) {
        for (int o = 0; o < rows; o++) {
            for (int p = 0; p < oh; p++) {
                int src = oo + o * ldo + p * pitch;
                int dst = yo + (o * oh + p) * ow;
                for (int q = 0; q < ow; q++) {
                    float v = bias == null ? out[src + q] : out[src + q] + bias[bo + o];
                    y[dst + q] = relu ? Math.max(v, 0f) : v;
                }
            }
        }
    }

    /** See {@link DirectConv#columnSums}. */
    public static void columnSums(float[] t, int to, int rows, int ldt, float[] sums, int so) {
        for (int o = 0; o < ldt; o++) {
            float s = sums[so + o];
            for (int r = 0; r < rows; r++) {
                s += t[to + r * ldt + o];
            }
            sums[so + o] = s;
        }
    }
}
