package dev.vecprop.kernel;

/** Scalar twin of {@link ConvWeightGrad}: the definition, and the path without the Vector API. */
public final class ConvWeightGradRef {
    private ConvWeightGradRef() {}

    public static void accumulate(float[] img, int base, int wp, int[] tap, float[] dy, int dyo, int oh, int ow,
                                  int o0, int o1, int t0, int t1, int k, float[] dw, int dwo) {
        for (int o = o0; o < o1; o++) {
            for (int t = t0; t < t1; t++) {
                float sum = 0f;
                for (int oy = 0; oy < oh; oy++) {
                    int d = dyo + (o * oh + oy) * ow;
                    int x = base + tap[t] + oy * wp;
                    for (int ox = 0; ox < ow; ox++) {
                        sum += dy[d + ox] * img[x + ox];
                    }
                }
                dw[dwo + o * k + t] += sum;
            }
        }
    }
}
