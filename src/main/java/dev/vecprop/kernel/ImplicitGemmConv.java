package dev.vecprop.kernel;

import dev.vecprop.concurrent.WorkerPool;

/**
 * A convolution's products as packed GEMMs whose column matrix is never built: {@link ConvColumns}
 * writes each B block straight from the (zero-padded) image through the {@link ConvGeometry}'s tap and
 * position tables. The path for any stride; {@link DirectConvSteps} takes stride 1. Per sample s and
 * group g, with K = C/g*kh*kw taps and N = OH*OW positions:
 * <pre>
 *   forward  y[s] (OC/g, N)  = W_g (OC/g, K) . cols(x[s]) (K, N) + bias
 *   weights  dW_g (OC/g, K) += dy[s] (OC/g, N) . cols(x[s])^T (N, K)       rows [o0,o1), taps [r0,r1)
 *   input    dcols = W_g^T . dy[s], dx[s] = col2im(dcols)
 * </pre>
 */
public final class ImplicitGemmConv {
    private ImplicitGemmConv() {}

    /** One sample's forward: {@code y[s] = W . cols(x[s]) + bias}, per group, through the group's epilogue. */
    public static void forwardSample(ConvGeometry g, ConvScratch sc, float[] x, int xs, float[] w, int wo,
                                     Epilogue[] epilogue, float[] y, int ys, WorkerPool gemmPool) {
        int n = g.positions();
        float[] img = sc.image(g, x, xs);
        int base = ConvScratch.imageBase(g, xs);
        for (int gi = 0; gi < g.groups; gi++) {
            sc.source.set(false, img, base + gi * g.cpg * g.hp * g.wp, g.tap, g.pos, n, 0);
            Sgemm.sgemm(g.opg, n, g.k, w, wo + gi * g.opg * g.k, g.k, Layout.ROW_MAJOR, sc.source,
                    0f, y, ys + gi * g.opg * n, n, Layout.ROW_MAJOR, epilogue[gi], gemmPool);
        }
    }

    /** {@code dW} rows {@code [o0,o1)} x taps {@code [r0,r1)} (per group) {@code +=} the sum over samples of {@code dy[s] . cols(x[s])^T}. */
    public static void weightBlock(ConvGeometry g, ConvScratch sc, int batch, float[] x, int xo, float[] dy, int dyo,
                                   int o0, int o1, int r0, int r1, float[] dw, int dwo) {
        int n = g.positions();
        for (int s = 0; s < batch; s++) {
            int xs = xo + s * g.c * g.h * g.w;
            float[] img = sc.image(g, x, xs);
            int base = ConvScratch.imageBase(g, xs);
            for (int gi = 0; gi < g.groups; gi++) {
                sc.source.set(true, img, base + gi * g.cpg * g.hp * g.wp, g.tap, g.pos, g.k, r0);
                Sgemm.sgemm(o1 - o0, r1 - r0, n, dy, dyo + (s * g.oc + gi * g.opg + o0) * n, n, Layout.ROW_MAJOR,
                        sc.source, 1f, dw, dwo + (gi * g.opg + o0) * g.k + r0, g.k, Layout.ROW_MAJOR, Epilogue.NONE, null);
            }
        }
    }

    /** One sample's input gradient {@code dx[s]} (overwritten): {@code dcols = W^T . dy[s]}, then col2im. */
    public static void inputSample(ConvGeometry g, ConvScratch sc, float[] dy, int dys, float[] w, int wo,
                                   float[] dx, int dxs, WorkerPool gemmPool) {
        int n = g.positions();
        int hw = g.h * g.w;
        float[] dcols = sc.cols(g.k * n);
        java.util.Arrays.fill(dx, dxs, dxs + g.c * hw, 0f);
        for (int gi = 0; gi < g.groups; gi++) {
            Sgemm.sgemm(g.k, n, g.opg, w, wo + gi * g.opg * g.k, g.k, Layout.TRANSPOSED,
                    dy, dys + gi * g.opg * n, n, Layout.ROW_MAJOR,
                    0f, dcols, 0, n, Layout.ROW_MAJOR, Epilogue.NONE, gemmPool);
            Col2Im.accumulate(g, dcols, 0, n, dx, dxs + gi * g.cpg * hw);
        }
    }

    /** B for the GEMMs: columns of one image, by position (forward) or by tap (weight gradient). */
    static final class Columns implements Sgemm.PanelSource {
        private boolean byTap;
        private float[] img;
        private int base;
        private int[] tap;
        private int[] pos;
        private int count;
        private int colBase;

        void set(boolean byTap, float[] img, int base, int[] tap, int[] pos, int count, int colBase) {
            this.byTap = byTap;
            this.img = img;
            this.base = base;
            this.tap = tap;
            this.pos = pos;
            this.count = count;
            this.colBase = colBase;
        }

        @Override
        public void pack(int p0, int kc, int j0, int nc, float[] dst) {
            if (byTap) {
                ConvColumns.packByTap(img, base, tap, pos, count, p0, kc, colBase + j0, nc, dst);
            } else {
                ConvColumns.packByPosition(img, base, tap, pos, count, p0, kc, colBase + j0, nc, dst);
            }
        }
    }
}
