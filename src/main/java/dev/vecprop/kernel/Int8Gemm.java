package dev.vecprop.kernel;

import dev.vecprop.simd.Simd;

/**
 * Products with an int8 weight {@code Wq [out, in]} (one scale per output: {@code W(j, k) ~ scale_j Wq(j, k)})
 * held in {@link Int8Panels}, for serving a quantized layer. Two kinds:
 * <ul>
 *   <li>{@link #weightOnly}: float activations, the weight widened to float as it is read:
 *       {@code y(r, j) = ep(scale_j * sum_k x(r, k) Wq(j, k) + bias_j)}, the sum in the float GEMM's
 *       order ({@link PanelGemv}'s K blocks: within a block one fused multiply-add chain per output in
 *       increasing {@code k} from +0 over the inputs that are not zero, blocks merged by addition), so
 *       one row alone and the float GEMM of a batch on {@link #toFloatPanels} agree to the bit;</li>
 *   <li>{@link #int8}: int8 activations ({@link #quantize}), the products summed exactly in int32:
 *       {@code y(r, j) = ep(scale_j * (float) sum_k xq(r, k) Wq(j, k) + bias_j)}, {@code scale_j} the
 *       product of the input's and the weight's scales. The kernel widens the weight bytes to int32
 *       lanes and multiply-adds the broadcast input byte (no dot-product instruction such as VNNI is
 *       reachable from the Vector API; a 16-bit pair variant measured far slower, its wide-to-two-halves
 *       conversion not being intrinsified). Exact for {@code in < 1040}
 *       (the int32 sum converts to float exactly); beyond, the one rounding of that conversion is the
 *       same in both kernels.</li>
 * </ul>
 * The epilogue is {@code fma(acc, scale_j, bias_j)} (bias 0 without one), then {@code max(., 0)} if
 * {@code relu}. {@link Int8GemmVector} (weight-only) and {@link Int8DotVector} (int32) are the Vector API kernels (vectors of at least 8 floats); the
 * methods here named {@code *Scalar} are its plain twins and the reference of the tests: every result
 * equal to the bit.
 */
public final class Int8Gemm {
    /** The vector kernels need a byte vector per float vector: 8 lanes at least. */
    static final boolean VECTOR = Simd.ENABLED && Simd.LANES >= 8;

    private Int8Gemm() {}

    /** {@return whether the Vector API kernels run (else the scalar twins)} */
    public static boolean vectorized() {
        return VECTOR;
    }

    /**
     * Float activations times the int8 weight: {@code y[yo + r*out + j]} for rows {@code r < n}.
     *
     * @param n     rows (samples)
     * @param in    inputs per row; rows are {@code in} floats apart from {@code x[xo]}
     * @param out   outputs per row; rows are {@code out} floats apart from {@code y[yo]}
     * @param x     the activations
     * @param xo    where they start
     * @param w     the weight in {@link Int8Panels} layout
     * @param scale the per-output scales, {@code out} of them
     * @param bias  the bias ({@code out}), or null
     * @param relu  whether to apply {@code max(., 0)}
     * @param y     the output (written)
     * @param yo    where it starts
     */
    public static void weightOnly(int n, int in, int out, float[] x, int xo, byte[] w, float[] scale, float[] bias,
                                  boolean relu, float[] y, int yo) {
        if (VECTOR) {
            Int8GemmVector.weightOnly(n, in, out, x, xo, w, scale, bias, relu, y, yo);
        } else {
            weightOnlyScalar(n, in, out, x, xo, w, scale, bias, relu, y, yo);
        }
    }

    /**
     * Int8 activations times the int8 weight: {@code y[yo + r*out + j]} for rows {@code r < n}.
     *
     * @param n     rows (samples)
     * @param in    inputs per row; rows are {@link Int8Panels#rows}{@code (in)} bytes apart from {@code xq[qo]}, the pad byte zero
     * @param out   outputs per row; rows are {@code out} floats apart from {@code y[yo]}
     * @param xq    the quantized activations ({@link #quantize})
     * @param qo    where they start
     * @param w     the weight in {@link Int8Panels} layout
     * @param scale per output, the input's scale times the weight's
     * @param bias  the bias ({@code out}), or null
     * @param relu  whether to apply {@code max(., 0)}
     * @param y     the output (written)
     * @param yo    where it starts
     */
    public static void int8(int n, int in, int out, byte[] xq, int qo, byte[] w, float[] scale, float[] bias,
                            boolean relu, float[] y, int yo) {
        if (VECTOR) {
            Int8DotVector.int8(n, in, out, xq, qo, w, scale, bias, relu, y, yo);
        } else {
            int8Scalar(n, in, out, xq, qo, w, scale, bias, relu, y, yo);
        }
    }

    /**
     * Quantizes rows of activations with one scale: {@code xq = rint(clamp(x * invScale, -127, 127))},
     * rounding half to even; each row written {@link Int8Panels#rows}{@code (in)} bytes apart, its pad
     * byte zero.
     *
     * @param n        rows
     * @param in       values per row ({@code in} floats apart from {@code x[xo]})
     * @param x        the activations
     * @param xo       where they start
     * @param invScale one over the input's scale
     * @param xq       the destination
     * @param qo       where it starts
     * @return false if a value was NaN or infinite (its byte is then meaningless), true otherwise
     */
    public static boolean quantize(int n, int in, float[] x, int xo, float invScale, byte[] xq, int qo) {
        return VECTOR ? Int8DotVector.quantize(n, in, x, xo, invScale, xq, qo)
                : quantizeScalar(n, in, x, xo, invScale, xq, qo);
    }

    /**
     * Quantizes rows of activations as {@link #quantize}, but writes the int8 values as floats (exact),
     * rows {@code in} apart: the input of {@link #weightOnly} for int8 activations. An int8 value times an
     * int8 weight is exact in float, and so is every partial sum below 2^24 (any {@code in < 1040}): the
     * weight-only kernels then compute the int32 sum exactly, in float lanes (the int32 kernel
     * {@link #int8} measured slower, docs/QUANTIZATION.md).
     *
     * @param n        rows
     * @param in       values per row
     * @param x        the activations, rows {@code in} apart from {@code x[xo]}
     * @param xo       where they start
     * @param invScale one over the input's scale
     * @param dst      the destination, rows {@code in} apart from {@code dst[dOff]}
     * @param dOff     where it starts
     * @return false if a value was NaN or infinite, true otherwise
     */
    public static boolean quantizeToFloat(int n, int in, float[] x, int xo, float invScale, float[] dst, int dOff) {
        return VECTOR ? Int8GemmVector.quantizeToFloat(n * in, x, xo, invScale, dst, dOff)
                : quantizeToFloatScalar(n * in, x, xo, invScale, dst, dOff);
    }

    static boolean quantizeToFloatScalar(int count, float[] x, int xo, float invScale, float[] dst, int dOff) {
        boolean finite = true;
        for (int i = 0; i < count; i++) {
            float v = x[xo + i];
            finite &= Float.isFinite(v);
            dst[dOff + i] = quantizeOne(v, invScale);
        }
        return finite;
    }

    /** 1.5 * 2^23: adding and subtracting it rounds a float of magnitude below 2^22 to an integer, half to even. */
    static final float ROUND = 12582912f;

    /** The scalar twin of one quantized value: the vector kernel's operations in the same order. */
    static byte quantizeOne(float v, float invScale) {
        float t = Math.min(Math.max(v * invScale, -127f), 127f);
        return (byte) (int) ((t + ROUND) - ROUND);
    }

    /** The plain twin of {@link #quantize}. */
    static boolean quantizeScalar(int n, int in, float[] x, int xo, float invScale, byte[] xq, int qo) {
        int kp = Int8Panels.rows(in);
        boolean finite = true;
        for (int r = 0; r < n; r++) {
            for (int k = 0; k < in; k++) {
                float v = x[xo + r * in + k];
                finite &= Float.isFinite(v);
                xq[qo + r * kp + k] = quantizeOne(v, invScale);
            }
            if (kp != in) {
                xq[qo + r * kp + in] = 0;
            }
        }
        return finite;
    }

    /** The plain twin of {@link #weightOnly}: the same K blocks, chains and merges, one output at a time. */
    static void weightOnlyScalar(int n, int in, int out, float[] x, int xo, byte[] w, float[] scale, float[] bias,
                                 boolean relu, float[] y, int yo) {
        int ld = Int8Panels.stride(out);
        int step = PanelGemv.kcStep(in);
        for (int r = 0; r < n; r++) {
            for (int pc = 0; pc < in; pc += step) {
                int k1 = Math.min(in, pc + step);
                for (int j = 0; j < out; j++) {
                    float acc = 0f;
                    for (int k = pc; k < k1; k++) {
                        float xk = x[xo + r * in + k];
                        if (xk != 0f) {
                            acc = Math.fma(xk, (float) w[k * ld + j], acc);
                        }
                    }
                    y[yo + r * out + j] = pc == 0 ? acc : acc + y[yo + r * out + j];
                }
            }
        }
        scaleRowsScalar(n, out, y, yo, scale, bias, relu);
    }

    /**
     * The epilogue alone, in place: {@code y(r, j) = ep(y(r, j))} with {@code fma(y, scale_j, bias_j)} then
     * {@code max(., 0)} if {@code relu} — what follows the float GEMM on {@link #toFloatPanels widened}
     * panels, so that a batch gives each row exactly what {@link #weightOnly} gives it alone.
     *
     * @param n     rows
     * @param out   values per row
     * @param y     the rows, from {@code y[yo]}
     * @param yo    where they start
     * @param scale per-column scales
     * @param bias  per-column bias, or null
     * @param relu  whether to apply {@code max(., 0)}
     */
    public static void scaleRows(int n, int out, float[] y, int yo, float[] scale, float[] bias, boolean relu) {
        if (VECTOR) {
            Int8GemmVector.scaleRows(n, out, y, yo, scale, bias, relu);
        } else {
            scaleRowsScalar(n, out, y, yo, scale, bias, relu);
        }
    }

    static void scaleRowsScalar(int n, int out, float[] y, int yo, float[] scale, float[] bias, boolean relu) {
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < out; j++) {
                y[yo + r * out + j] = epilogue(y[yo + r * out + j], scale[j], bias == null ? 0f : bias[j], relu);
            }
        }
    }

    /**
     * Widens the int8 weight exactly into float {@link Panels} of {@code W^T} (unscaled: the values
     * {@code -127..127}), the B operand of {@link Sgemm#forwardPacked}: for a batch, the float GEMM on
     * these panels then {@link #scaleRows} is {@link #weightOnly} to the bit (the GEMM's K blocks and
     * chains are the ones the batch-1 kernel follows).
     *
     * @param w    the weight in {@link Int8Panels} layout
     * @param out  outputs
     * @param in   inputs
     * @param dst  receives {@link Panels#size}{@code (in, out)} floats
     * @param dOff where they start
     */
    public static void toFloatPanels(byte[] w, int out, int in, float[] dst, int dOff) {
        if (VECTOR && Panels.width() == Int8Panels.NR) {
            Int8GemmVector.toFloat(w, out, in, dst, dOff);
        } else {
            toFloatPanelsScalar(w, out, in, dst, dOff);
        }
    }

    static void toFloatPanelsScalar(byte[] w, int out, int in, float[] dst, int dOff) {
        int ld = Int8Panels.stride(out);
        java.util.Arrays.fill(dst, dOff, dOff + Panels.size(in, out), 0f);
        for (int j = 0; j < out; j++) {
            for (int k = 0; k < in; k++) {
                dst[dOff + Panels.index(in, k, j)] = w[k * ld + j];
            }
        }
    }

    /** The plain twin of {@link #int8}. */
    static void int8Scalar(int n, int in, int out, byte[] xq, int qo, byte[] w, float[] scale, float[] bias,
                           boolean relu, float[] y, int yo) {
        int kp = Int8Panels.rows(in);
        int ld = Int8Panels.stride(out);
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < out; j++) {
                int acc = 0;
                for (int k = 0; k < kp; k++) {
                    acc += xq[qo + r * kp + k] * w[k * ld + j];
                }
                y[yo + r * out + j] = epilogue((float) acc, scale[j], bias == null ? 0f : bias[j], relu);
            }
        }
    }

    static float epilogue(float acc, float scale, float bias, boolean relu) {
        float v = Math.fma(acc, scale, bias);
        return relu ? Math.max(v, 0f) : v;
    }
}
