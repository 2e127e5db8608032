package dev.vecprop.kernel;

import dev.vecprop.simd.Simd;

/**
 * Stride-1 convolution products computed straight from a (zero-padded) image, with neither a column
 * matrix nor a packed B panel: the forward product and the weight gradient of {@code Conv2d}.
 *
 * <p><b>Forward, on the image's row pitch.</b> With taps {@code tap[r]} (channel, kernel row and column
 * offsets in the image, dilation included) and an image whose rows are {@code pitch} long, output
 * position {@code (p, q)} reads {@code img[tap[r] + p*pitch + q]}: for a fixed tap, consecutive
 * positions of the row-pitch grid {@code j = p*pitch + q} are consecutive floats. So
 * <pre>
 *   out[o][j] = sum over r < k of  w(o, r) * img[io + tap[r] + j]        o < rows, j < n
 * </pre>
 * is a GEMM whose B rows are plain slices of the image, loaded as vectors where they lie; the grid
 * columns {@code q >= OW} of each row are computed and dropped by the caller ({@code pitch / OW} more
 * multiply-adds than the convolution needs: 8% on a 3x3 layer over 26 columns). The weights come
 * packed by {@link #packWeights} into panels of {@link #rows()} output channels. The vector form keeps
 * an 8 x 3 grid of accumulator vectors on 32-register machines with 16 lanes (AVX-512) and 4 x 2 on
 * the others (AVX2's 16 registers), and writes whole vectors: {@code out} rows hold
 * {@link #paddedColumns}{@code (n)} columns, and the image must be readable that far past the last
 * tap ({@link #imageSlack()}).
 *
 * <p><b>Weight gradient.</b> With {@code dyt} the output gradient transposed to positions x channels
 * ({@link Transpose}), row length {@code ldt} (a multiple of {@link #channelStep(int)}, zero past the
 * channels), for taps {@code [r0, r1)}:
 * <pre>
 *   dwt[r][o] += sum over p < oh, q < ow of  img[io + tap[r] + p*pitch + q] * dyt[(p*ow + q)*ldt + o]
 * </pre>
 * broadcasting image values against vectors of output channels (6 taps x 4 vectors on AVX-512,
 * 4 x 2 elsewhere). The sum runs over positions in a fixed order into a fresh accumulator, then adds
 * to {@code dwt}.
 *
 * <p>Every element is a chain of {@code Math.fma} in tap order (forward) or position order (weight
 * gradient), in the vector form as in the scalar twin {@link DirectConvRef}: the two agree bit for bit,
 * and any split of output channels, positions or taps over threads gives the same bits.
 */
public final class DirectConv {
    private DirectConv() {}

    private static final boolean V = Simd.ENABLED;

    /** Output channels per packed weight panel (the forward tile's rows). */
    public static int rows() {
        return V ? DirectConvVector.MR : 1;
    }

    /** Columns the forward writes for {@code n} positions (whole vectors). */
    public static int paddedColumns(int n) {
        int step = V ? DirectConvVector.L : 1;
        return (n + step - 1) / step * step;
    }

    /** Floats the forward may read past {@code io + tap[r] + n - 1}. */
    public static int imageSlack() {
        return V ? DirectConvVector.L : 0;
    }

    /**
     * What the weight gradient's {@code ldt} must be a multiple of for a group of {@code channels}
     * output channels: the tile's vectors of channels (one vector when they fit in one and the
     * 32-register narrow tile exists, else the full tile's).
     */
    public static int channelStep(int channels) {
        if (!V) {
            return 1;
        }
        return narrow(channels) ? DirectConvVector.L : DirectConvWeightGradVector.OT;
    }

    /** Whether a group of {@code channels} output channels takes the narrow weight-gradient tile. */
    private static boolean narrow(int channels) {
        return V && DirectConvVector.WIDE && channels <= DirectConvVector.L;
    }

    /** Taps per weight-gradient tile for {@code ldt} channels: split taps over threads in multiples of it. */
    public static int tapStep(int ldt) {
        if (!V) {
            return 1;
        }
        return DirectConvVector.WIDE && ldt == DirectConvVector.L ? DirectConvWeightGradVector.NT : DirectConvWeightGradVector.MT;
    }

    /**
     * Packs {@code m} rows of {@code k} weights, {@code w[wo + o*ldw + r]}, into panels of {@link #rows()}
     * rows: {@code wp[wpo + (b*k + r)*rows + i] = w(b*rows + i, r)}, zero for rows past {@code m}.
     *
     * @return the panels written ({@code ceil(m / rows)})
     */
    public static int packWeights(float[] w, int wo, int ldw, int m, int k, float[] wp, int wpo) {
        int mr = rows();
        int blocks = (m + mr - 1) / mr;
        for (int b = 0; b < blocks; b++) {
            for (int r = 0; r < k; r++) {
                int d = wpo + (b * k + r) * mr;
                for (int i = 0; i < mr; i++) {
                    int o = b * mr + i;
                    wp[d + i] = o < m ? w[wo + o * ldw + r] : 0f;
                }
            }
        }
        return blocks;
    }

    /**
     * {@code out[oo + o*ldo + j] = sum over r < k of wp(o, r) * img[io + tap[r] + j]} for
     * {@code o < blocks * rows()} and {@code j < n} (and up to {@link #paddedColumns}{@code (n)}).
     */
    public static void forward(float[] wp, int wpo, int blocks, int k, float[] img, int io, int[] tap, int n,
                               float[] out, int oo, int ldo) {
        if (V) DirectConvVector.forward(wp, wpo, blocks, k, img, io, tap, n, out, oo, ldo);
        else DirectConvRef.forward(wp, wpo, blocks, k, img, io, tap, n, out, oo, ldo);
    }

    /**
     * The forward's pitch-grid rows as dense rows, plus a bias per row, optionally through a ReLU:
     * <pre>{@code
     *   y[yo + (o*oh + p)*ow + q] = f(out[oo + o*ldo + p*pitch + q] + bias[bo + o])   o < rows, p < oh, q < ow
     * }</pre>
     * with {@code f} the identity or {@code max(v, 0)} and no bias when {@code bias} is null.
     */
    public static void store(float[] out, int oo, int ldo, int rows, int pitch, int oh, int ow,
                             float[] bias, int bo, boolean relu, float[] y, int yo) {
        if (V) DirectConvVector.store(out, oo, ldo, rows, pitch, oh, ow, bias, bo, relu, y, yo);
        else DirectConvRef.store(out, oo, ldo, rows, pitch, oh, ow, bias, bo, relu, y, yo);
    }

    /**
     * {@code sums[so + o] += sum over r < rows of t[to + r*ldt + o]} for {@code o < ldt} (a multiple of
     * {@link #channelStep(int)}): the bias gradient from a transposed output gradient. Each column sums
     * its rows in order, in the vector form as in the twin: the two agree bit for bit.
     */
    public static void columnSums(float[] t, int to, int rows, int ldt, float[] sums, int so) {
        if (V) DirectConvWeightGradVector.columnSums(t, to, rows, ldt, sums, so);
        else DirectConvRef.columnSums(t, to, rows, ldt, sums, so);
    }

    /**
     * {@code dwt[dwo + r*ldt + o] += sum over p < oh, q < ow of img[io + tap[r] + p*pitch + q] * dyt[dto + (p*ow + q)*ldt + o]}
     * for taps {@code [r0, r1)} and {@code o < ldt}.
     */
    public static void weightGrad(float[] img, int io, int pitch, int[] tap, int r0, int r1, float[] dyt, int dto,
                                  int ldt, int oh, int ow, float[] dwt, int dwo) {
        if (V) DirectConvWeightGradVector.weightGrad(img, io, pitch, tap, r0, r1, dyt, dto, ldt, oh, ow, dwt, dwo);
        else DirectConvRef.weightGrad(img, io, pitch, tap, r0, r1, dyt, dto, ldt, oh, ow, dwt, dwo);
    }
}
