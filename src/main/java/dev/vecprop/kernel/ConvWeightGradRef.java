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

    /** {@link ConvWeightGrad#accumulateBatch}: sample by sample, the bias as {@link ChannelSums}. */
    public static void accumulateBatch(ConvGeometry g, ConvScratch sc, int batch, float[] x, int xo, float[] dy, int dyo,
                                       int o0, int o1, float[] dw, int dwo, float[] db, int dbo) {
        int n = g.positions();
        if (db != null) {
            ChannelSums.accumulate(dy, dyo, batch, g.oc, n, o0, o1, db, dbo);
        }
        for (int s = 0; s < batch; s++) {
            int xs = xo + s * g.c * g.h * g.w;
            float[] img = sc.image(g, x, xs);
            accumulate(img, ConvScratch.imageBase(g, xs), g.wp, g.tap, dy, dyo + s * g.oc * n, g.oh, g.ow, o0, o1, 0, g.k,
                    g.k, dw, dwo);
        }
    }
}
