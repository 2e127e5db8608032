package dev.vecprop.kernel;

/**
 * What the GEMM does to each element of C after the last K block, fused into the store:
 * <pre>
 *   BIAS       c(i,j) = c(i,j) + bias[j]
 *   RELU       c(i,j) = max(c(i,j), 0)
 *   BIAS_RELU  c(i,j) = max(c(i,j) + bias[j], 0)
 *   ROW_BIAS   c(i,j) = c(i,j) + bias[i]             (a convolution's per-channel bias)
 *   ROW_BIAS_RELU c(i,j) = max(c(i,j) + bias[i], 0)
 *   RELU_MASK  c(i,j) = mask(i,j) > 0 ? c(i,j) : 0      (ReLU backward, mask = ReLU output)
 * </pre>
 * Epilogues apply to a row-major C only. Instances are immutable and meant to be created once
 * (e.g. by a layer at construction) and reused for every call.
 */
public final class Epilogue {
    /** The kinds of fused epilogue. */
    public enum Kind { NONE, BIAS, RELU, BIAS_RELU, RELU_MASK, ROW_BIAS, ROW_BIAS_RELU, SCALE_BIAS, SCALE_BIAS_RELU }

    /** No epilogue. */
    public static final Epilogue NONE = new Epilogue(Kind.NONE, null, 0, 0);
    /** ReLU only. */
    public static final Epilogue RELU = new Epilogue(Kind.RELU, null, 0, 0);

    final Kind kind;
    /** bias (indexed by column j at {@code off + j}) or mask (at {@code off + i*ld + j}). */
    final float[] arr;
    final int off;
    final int ld;

    private Epilogue(Kind kind, float[] arr, int off, int ld) {
        this.kind = kind;
        this.arr = arr;
        this.off = off;
        this.ld = ld;
    }

    /** {@code c += bias[off + j]}. */
    public static Epilogue bias(float[] bias, int off) {
        return new Epilogue(Kind.BIAS, java.util.Objects.requireNonNull(bias, "bias"), off, 0);
    }

    /** {@code c = max(c + bias[off + j], 0)}; a null bias means ReLU alone. */
    public static Epilogue biasRelu(float[] bias, int off) {
        return bias == null ? RELU : new Epilogue(Kind.BIAS_RELU, bias, off, 0);
    }

    /** {@code c += bias[off + i]}, or {@code c = max(c + bias[off + i], 0)} with relu; a null bias means nothing (or ReLU alone). */
    public static Epilogue rowBias(float[] bias, int off, boolean relu) {
        if (bias == null) {
            return relu ? RELU : NONE;
        }
        return new Epilogue(relu ? Kind.ROW_BIAS_RELU : Kind.ROW_BIAS, bias, off, 0);
    }

    /**
     * {@code c = fma(c, scale[off + j], bias[off + n + j])}, then {@code max(., 0)} if relu: a quantized
     * layer's per-column scale with its bias, in one array {@code [scale (n) | bias (n)]} of the GEMM's
     * {@code n} columns (the bias part all zero for none). The operations of {@code Int8Gemm}'s epilogue.
     *
     * @param scaleBias the scales then the biases
     * @param off       where the scales start
     * @param n         columns (the biases start at {@code off + n})
     * @param relu      whether to apply the ReLU
     * @return the epilogue
     */
    public static Epilogue scaleBias(float[] scaleBias, int off, int n, boolean relu) {
        return new Epilogue(relu ? Kind.SCALE_BIAS_RELU : Kind.SCALE_BIAS, java.util.Objects.requireNonNull(scaleBias,
                "scaleBias"), off, n);
    }

    /** {@code c = mask[off + i*ld + j] > 0 ? c : 0}. */
    public static Epilogue reluMask(float[] mask, int off, int ld) {
        return new Epilogue(Kind.RELU_MASK, java.util.Objects.requireNonNull(mask, "mask"), off, ld);
    }

    /** True if this is {@code reluMask(mask, off, ld)} (lets callers reuse an instance). */
    public boolean isReluMaskOf(float[] mask, int off, int ld) {
        return kind == Kind.RELU_MASK && arr == mask && this.off == off && this.ld == ld;
    }

    public Kind kind() {
        return kind;
    }

    /** Applies this epilogue to one scalar at C position (i,j): the definition every path follows. */
    float apply(float v, int i, int j) {
        return switch (kind) {
            case NONE -> v;
            case BIAS -> v + arr[off + j];
            case RELU -> Math.max(v, 0f);
            case BIAS_RELU -> Math.max(v + arr[off + j], 0f);
            case RELU_MASK -> arr[off + i * ld + j] > 0f ? v : 0f;
            case ROW_BIAS -> v + arr[off + i];
            case ROW_BIAS_RELU -> Math.max(v + arr[off + i], 0f);
            case SCALE_BIAS -> Math.fma(v, arr[off + j], arr[off + ld + j]);
            case SCALE_BIAS_RELU -> Math.max(Math.fma(v, arr[off + j], arr[off + ld + j]), 0f);
        };
    }

    void checkBounds(int m, int n) {
        switch (kind) {
            case BIAS, BIAS_RELU -> {
                if (off < 0 || (long) off + n > arr.length) {
                    throw new IllegalArgumentException("epilogue bias: needs " + n + " floats at offset "
                            + off + ", array has " + arr.length);
                }
            }
            case ROW_BIAS, ROW_BIAS_RELU -> {
                if (off < 0 || (long) off + m > arr.length) {
                    throw new IllegalArgumentException("epilogue row bias: needs " + m + " floats at offset "
                            + off + ", array has " + arr.length);
                }
            }
            case SCALE_BIAS, SCALE_BIAS_RELU -> {
                if (off < 0 || ld != n || (long) off + 2L * n > arr.length) {
                    throw new IllegalArgumentException("epilogue scale/bias: needs 2 x " + n + " floats at offset "
                            + off + " (columns " + ld + "), array has " + arr.length);
                }
            }
            case RELU_MASK -> {
                if (m > 0 && n > 0 && (off < 0 || ld < n || (long) off + (long) (m - 1) * ld + n > arr.length)) {
                    throw new IllegalArgumentException("epilogue mask: " + m + "x" + n + " (ld " + ld
                            + ") at offset " + off + " does not fit an array of " + arr.length);
                }
            }
            default -> { }
        }
    }
}
