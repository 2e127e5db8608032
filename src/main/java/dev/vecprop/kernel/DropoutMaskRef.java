package dev.vecprop.kernel;

/** Scalar twin of {@link DropoutMask}: the definition, and the path without the Vector API. */
public final class DropoutMaskRef {
    private DropoutMaskRef() {}

    public static void fill(long key, int first, float p, float scale, float[] mask, int mo, int n) {
        int lo = (int) key;
        int hi = (int) (key >>> 32);
        for (int i = 0; i < n; i++) {
            mask[mo + i] = draw(lo, hi, first + i) < p ? 0f : scale;
        }
    }

    public static void apply(long key, int first, float p, float scale, float[] x, int xo, float[] mask, int mo,
                             float[] y, int yo, int n) {
        int lo = (int) key;
        int hi = (int) (key >>> 32);
        for (int i = 0; i < n; i++) {
            float m = draw(lo, hi, first + i) < p ? 0f : scale;
            mask[mo + i] = m;
            y[yo + i] = x[xo + i] * m;
        }
    }

    /** The uniform draw in [0, 1) for element i. */
    static float draw(int lo, int hi, int i) {
        int h = mix32(mix32(i * 0x9E3779B9 + lo) ^ hi);
        return (h >>> 8) * 0x1p-24f;
    }

    /** lowbias32 (Chris Wellons' integer hash prospector). */
    static int mix32(int x) {
        x ^= x >>> 16;
        x *= 0x7feb352d;
        x ^= x >>> 15;
        x *= 0x846ca68b;
        x ^= x >>> 16;
        return x;
    }
}
