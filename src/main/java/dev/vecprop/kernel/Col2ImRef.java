package dev.vecprop.kernel;

/** Scalar twin of {@link Col2Im}: the definition, and the path for strides above 1 and without the Vector API. */
public final class Col2ImRef {
    private Col2ImRef() {}

    public static void accumulate(ConvGeometry g, float[] dcols, int co, int ld, float[] dx, int xo) {
        int r = 0;
        for (int c = 0; c < g.cpg; c++) {
            for (int i = 0; i < g.kh; i++) {
                for (int j = 0; j < g.kw; j++, r++) {
                    int src = co + r * ld;
                    for (int p = 0; p < g.oh; p++) {
                        int yy = p * g.stride - g.pad + i * g.dil;
                        if (yy < 0 || yy >= g.h) {
                            continue;
                        }
                        int dst = xo + (c * g.h + yy) * g.w;
                        int rowSrc = src + p * g.ow;
                        for (int q = 0; q < g.ow; q++) {
                            int xx = q * g.stride - g.pad + j * g.dil;
                            if (xx >= 0 && xx < g.w) {
                                dx[dst + xx] += dcols[rowSrc + q];
                            }
                        }
                    }
                }
            }
        }
    }
}
