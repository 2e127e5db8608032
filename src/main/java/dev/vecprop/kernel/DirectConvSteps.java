package dev.vecprop.kernel;

/**
 * A stride-1 convolution's passes, one sample or one block of taps at a time, on the
 * {@link DirectConv} kernels; {@link ImplicitGemmConv} takes other strides. Per group g:
 * <pre>
 *   forward  y[s]  = store(Wp_g * pad(x[s]))          on the padded input's row pitch WP
 *   input    dx[s] = store(Wflip_g * pad(dy[s]))      the full correlation, on the padded gradient's pitch WDP
 *   weights  dyt = dy[s]^T (positions x channels); per chunk of CHUNK samples dwt_c,g[r][o] = sum_s sum_n pad(x[s])[tap r + n] * dyt[n][o],
 *            then dW_g[o][r] += sum over chunks in order of dwt_c,g[r][o]      chunks split over threads
 * </pre>
 * The packed weights and the chunks' partial sums live in the layer's
 * workspace at offsets the layer lays out from the sizes given here; per-thread buffers (padded images, pitch-grid outputs,
 * transposed gradients) come from {@link ConvScratch}. The chunks are fixed by the batch, not by the
 * threads, and sum in a fixed order: results are bit-identical for any number of threads. Every output element is computed by the same operations whatever the split:
 * results are bit-identical for any number of threads.
 */
public final class DirectConvSteps {
    private DirectConvSteps() {}

    private static int panels(int rows) {
        return (rows + DirectConv.rows() - 1) / DirectConv.rows();
    }

    /** Row length of the transposed gradient: the group's output channels rounded up to the tile. */
    public static int ldt(ConvGeometry g) {
        int step = DirectConv.channelStep(g.opg);
        return (g.opg + step - 1) / step * step;
    }

    /** Floats of the packed forward weights. */
    public static int forwardWeightsSize(ConvGeometry g) {
        return g.groups * panels(g.opg) * DirectConv.rows() * g.k;
    }

    /** Floats of the packed input-gradient weights plus the flipped kernel they are packed from. */
    public static int inputWeightsSize(ConvGeometry g) {
        return g.groups * panels(g.cpg) * DirectConv.rows() * g.kFlip + g.c * g.kFlip;
    }

    /** Packs the weights {@code W [OC][C/g][kh][kw]} at {@code wo} for {@link #forwardSample}. */
    public static void packForward(ConvGeometry g, float[] w, int wo, float[] ws, int wpo) {
        int per = panels(g.opg) * DirectConv.rows() * g.k;
        for (int gi = 0; gi < g.groups; gi++) {
            DirectConv.packWeights(w, wo + gi * g.opg * g.k, g.k, g.opg, g.k, ws, wpo + gi * per);
        }
    }

    /** One sample's forward {@code y[s] = W * x[s] + bias}, optionally through a ReLU; {@code bias} may be null. */
    public static void forwardSample(ConvGeometry g, ConvScratch sc, float[] x, int xs, float[] ws, int wpo,
                                     float[] bias, int bo, boolean relu, float[] y, int ys) {
        float[] img = sc.pad(x, xs, g.c, g.h, g.w, g.pad, g.pad, DirectConv.imageSlack());
        int n = (g.oh - 1) * g.wp + g.ow;
        int ldo = DirectConv.paddedColumns(n);
        int blocks = panels(g.opg);
        float[] out = sc.out(blocks * DirectConv.rows() * ldo);
        int per = blocks * DirectConv.rows() * g.k;
        for (int gi = 0; gi < g.groups; gi++) {
            DirectConv.forward(ws, wpo + gi * per, blocks, g.k, img, gi * g.cpg * g.hp * g.wp, g.tap, n, out, 0, ldo);
            DirectConv.store(out, 0, ldo, g.opg, g.wp, g.oh, g.ow, bias, bo + gi * g.opg, relu,
                    y, ys + gi * g.opg * g.positions());
        }
    }

    /** Flips and packs the weights at {@code wo} for {@link #inputSample} ({@link #inputWeightsSize} floats at {@code wpo}). */
    public static void packInput(ConvGeometry g, float[] w, int wo, float[] ws, int wpo) {
        int per = panels(g.cpg) * DirectConv.rows() * g.kFlip;
        int flip = wpo + g.groups * per;
        KernelFlip.flip(w, wo, g.groups, g.cpg, g.opg, g.kh, g.kw, ws, flip);
        for (int gi = 0; gi < g.groups; gi++) {
            DirectConv.packWeights(ws, flip + gi * g.cpg * g.kFlip, g.kFlip, g.cpg, g.kFlip, ws, wpo + gi * per);
        }
    }

    /** One sample's input gradient {@code dx[s]} (overwritten) as the full correlation of the padded {@code dy[s]}. */
    public static void inputSample(ConvGeometry g, ConvScratch sc, float[] dy, int dys, float[] ws, int wpo,
                                   float[] dx, int dxs) {
        float[] img = sc.pad(dy, dys, g.oc, g.oh, g.ow, g.dil * (g.kh - 1), g.dil * (g.kw - 1), DirectConv.imageSlack());
        int io = g.pad * g.wdp + g.pad;
        int n = (g.h - 1) * g.wdp + g.w;
        int ldo = DirectConv.paddedColumns(n);
        int blocks = panels(g.cpg);
        float[] out = sc.out(blocks * DirectConv.rows() * ldo);
        int per = blocks * DirectConv.rows() * g.kFlip;
        for (int gi = 0; gi < g.groups; gi++) {
            DirectConv.forward(ws, wpo + gi * per, blocks, g.kFlip, img, io + gi * g.opg * g.hdp * g.wdp, g.tapFlip, n,
                    out, 0, ldo);
            DirectConv.store(out, 0, ldo, g.cpg, g.wdp, g.h, g.w, null, 0, false, dx, dxs + gi * g.cpg * g.h * g.w);
        }
    }

    /** Samples per weight-gradient chunk. */
    public static final int CHUNK = 8;

    /** Weight-gradient chunks of a batch. */
    public static int chunks(int batch) {
        return (batch + CHUNK - 1) / CHUNK;
    }

    /** Floats of one chunk's partial sums: the tap accumulators and the bias sums of every group. */
    public static int chunkSize(ConvGeometry g) {
        return g.groups * (g.k + 1) * ldt(g);
    }

    /**
     * The partial weight (and, with {@code bias}, bias) gradient of samples
     * {@code [chunk*CHUNK, min(batch, (chunk+1)*CHUNK))} into the chunk's slot {@code ws[slot ..]}
     * ({@link #chunkSize} floats, overwritten): per sample, the output gradient transposed (by this
     * thread, from its cache) and every tap block's sums added.
     */
    public static void weightChunk(ConvGeometry g, ConvScratch sc, int chunk, int batch, float[] x, int xo,
                                   float[] dy, int dyo, float[] ws, int slot, boolean bias) {
        int ldt = ldt(g);
        int step = DirectConv.tapStep(ldt);
        int n = g.positions();
        int sumsAt = slot + g.groups * g.k * ldt;
        java.util.Arrays.fill(ws, slot, slot + chunkSize(g), 0f);
        int s1 = Math.min(batch, (chunk + 1) * CHUNK);
        for (int s = chunk * CHUNK; s < s1; s++) {
            int xs = xo + s * g.c * g.h * g.w;
            float[] img = sc.image(g, x, xs);
            int base = ConvScratch.imageBase(g, xs);
            float[] dyt = sc.transposed(g.groups * n * ldt);
            for (int gi = 0; gi < g.groups; gi++) {
                Transpose.transpose(dy, dyo + (s * g.oc + gi * g.opg) * n, n, g.opg, n, dyt, gi * n * ldt, ldt);
            }
            if (bias) {
                for (int gi = 0; gi < g.groups; gi++) {
                    DirectConv.columnSums(dyt, gi * n * ldt, n, ldt, ws, sumsAt + gi * ldt);
                }
            }
            for (int gi = 0; gi < g.groups; gi++) {
                for (int r0 = 0; r0 < g.k; r0 += step) {
                    DirectConv.weightGrad(img, base + gi * g.cpg * g.hp * g.wp, g.wp, g.tap, r0, Math.min(g.k, r0 + step),
                            dyt, gi * n * ldt, ldt, g.oh, g.ow, ws, slot + gi * g.k * ldt);
                }
            }
        }
    }

    /**
     * {@code dW[dwo ..] +=} (and {@code db[dbo ..] +=}, when {@code db} is not null) the chunks' partial
     * sums at {@code ws[slots + c*chunkSize ..]}, added in chunk order: the same bits whichever thread
     * computed which chunk.
     */
    public static void reduceChunks(ConvGeometry g, int chunks, float[] ws, int slots, float[] dw, int dwo,
                                    float[] db, int dbo) {
        int ldt = ldt(g);
        int size = chunkSize(g);
        for (int gi = 0; gi < g.groups; gi++) {
            for (int o = 0; o < g.opg; o++) {
                for (int r = 0; r < g.k; r++) {
                    int at = slots + (gi * g.k + r) * ldt + o;
                    float sum = 0f;
                    for (int c = 0; c < chunks; c++) {
                        sum += ws[at + c * size];
                    }
                    dw[dwo + (gi * g.opg + o) * g.k + r] += sum;
                }
                if (db != null) {
                    int at = slots + g.groups * g.k * ldt + gi * ldt + o;
                    float sum = 0f;
                    for (int c = 0; c < chunks; c++) {
                        sum += ws[at + c * size];
                    }
                    db[dbo + gi * g.opg + o] += sum;
                }
            }
        }
    }
}
