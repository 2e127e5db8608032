package dev.vecprop.kernel;

import dev.vecprop.simd.Simd;

/**
 * Direct weight gradient of a stride-1 convolution with few taps (a first layer: 1 input channel,
 * 3x3 or 5x5), one sample at a time, where a GEMM would spend its time packing columns:
 * <pre>{@code
 *   dw[dwo + o*k + t] += sum over oy < oh, ox < ow of  dy[dyo + (o*oh + oy)*ow + ox] * img[base + tap[t] + oy*wp + ox]
 * }</pre>
 * for output channels {@code [o0,o1)} and taps {@code [t0,t1)} ({@code wp}: the image's row length;
 * taps hold channel, kernel row and column offsets, dilation included). Vector code when the Vector
 * API is on (register tiles of 2 channels x 4 taps, lanes along the output row, each lane sum reduced
 * in a fixed order), else the scalar twin {@link ConvWeightGradRef}, which defines the meaning; the two
 * sum in different orders, so they agree to rounding, not bit for bit.
 */
public final class ConvWeightGrad {
    private ConvWeightGrad() {}

    private static final boolean V = Simd.ENABLED;

    public static void accumulate(float[] img, int base, int wp, int[] tap, float[] dy, int dyo, int oh, int ow,
                                  int o0, int o1, int t0, int t1, int k, float[] dw, int dwo) {
        if (V) ConvWeightGradVector.accumulate(img, base, wp, tap, dy, dyo, oh, ow, o0, o1, t0, t1, k, dw, dwo);
        else ConvWeightGradRef.accumulate(img, base, wp, tap, dy, dyo, oh, ow, o0, o1, t0, t1, k, dw, dwo);
    }

    /**
     * The weight gradient of output channels {@code [o0, o1)} of a stride-1, one-group convolution over
     * a batch ({@code dw[dwo + o*k + t] +=} the sum over samples), each sample's image zero-padded into
     * the thread's scratch when the layer pads; with {@code db} not null also the bias gradient
     * {@code db[dbo + o] +=} the sum of channel o's output gradient over the batch. Any split of the
     * channels gives the same bits.
     */
    public static void accumulateBatch(ConvGeometry g, ConvScratch sc, int batch, float[] x, int xo, float[] dy, int dyo,
                                       int o0, int o1, float[] dw, int dwo, float[] db, int dbo) {
        if (V) ConvWeightGradVector.accumulateBatch(g, sc, batch, x, xo, dy, dyo, o0, o1, dw, dwo, db, dbo);
        else ConvWeightGradRef.accumulateBatch(g, sc, batch, x, xo, dy, dyo, o0, o1, dw, dwo, db, dbo);
    }
}
