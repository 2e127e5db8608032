package dev.vecprop.kernel;

import dev.vecprop.simd.Simd;

/**
 * Dropout masks from a counter-based hash: element {@code i} of a mask keyed by {@code key}
 * (a 64-bit function of seed, step and layer) is {@code 0} with probability {@code p} and
 * {@code scale} otherwise, where the uniform draw is
 * <pre>
 *   h = mix32(mix32(i * 0x9E3779B9 + lo(key)) ^ hi(key));   u = (h >>> 8) * 2^-24;   keep = u >= p
 * </pre>
 * and {@code mix32} is the "lowbias32" integer finaliser. A pure function of (key, i): deterministic
 * and independent of how the elements are split among threads. Vector code when the Vector API is
 * on, else the scalar twin {@link DropoutMaskRef}, which defines the meaning.
 */
public final class DropoutMask {
    private DropoutMask() {}

    private static final boolean V = Simd.ENABLED;

    /** mask[mo + i] for i in [0, n), element indices starting at {@code first}. */
    public static void fill(long key, int first, float p, float scale, float[] mask, int mo, int n) {
        if (V) DropoutMaskVector.fill(key, first, p, scale, mask, mo, n);
        else DropoutMaskRef.fill(key, first, p, scale, mask, mo, n);
    }

    /**
     * {@link #fill} and the dropout itself in one pass: {@code mask[mo + i]} as there and
     * {@code y[yo + i] = x[xo + i] * mask[mo + i]} (the same product as a separate multiply).
     */
    public static void apply(long key, int first, float p, float scale, float[] x, int xo, float[] mask, int mo,
                             float[] y, int yo, int n) {
        if (V) DropoutMaskVector.apply(key, first, p, scale, x, xo, mask, mo, y, yo, n);
        else DropoutMaskRef.apply(key, first, p, scale, x, xo, mask, mo, y, yo, n);
    }
}
