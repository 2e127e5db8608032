package dev.vecprop.kernel;

/**
 * Scalar twin of {@link AttentionSoftmax}: the definition, on the transposed block {@code [keys][queries]},
 * each query's sums over the keys in increasing order from 0, in float (the backward's as fused
 * multiply-adds, like the vector code's: the two backwards give the same bits).
 */
public final class AttentionSoftmaxRef {
    private AttentionSoftmaxRef() {}

    /** Whether query q may see key k, padding aside. */
    private static boolean visible(int k, int q, boolean causal) {
        return !causal || k <= q;
    }

    /** See {@link AttentionSoftmax#forward}. */
    public static void forward(float[] s, int so, int keys, int queries, float scale, boolean causal,
                               boolean[] keyPad, int kpo) {
        for (int q = 0; q < queries; q++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int k = 0; k < keys; k++) {
                int i = so + k * queries + q;
                if (!visible(k, q, causal) || (keyPad != null && keyPad[kpo + k])) {
                    s[i] = Float.NEGATIVE_INFINITY;
                }
                max = Math.max(max, s[i]);
            }
            float m = max == Float.NEGATIVE_INFINITY ? 0f : max; // every key masked: exp(-inf - 0) = 0
            float sum = 0f;
            for (int k = 0; k < keys; k++) {
                int i = so + k * queries + q;
                float e = (float) Math.exp((s[i] - m) * scale);
                s[i] = e;
                sum += e;
            }
            float inv = sum == 0f ? 0f : 1f / sum;
            for (int k = 0; k < keys; k++) {
                s[so + k * queries + q] *= inv;
            }
        }
    }

    /** See {@link AttentionSoftmax#backward}. */
    public static void backward(float[] p, int po, float[] dp, int dpo, int keys, int queries, float scale) {
        for (int q = 0; q < queries; q++) {
            float dot = 0f;
            for (int k = 0; k < keys; k++) {
                dot = Math.fma(dp[dpo + k * queries + q], p[po + k * queries + q], dot);
            }
            for (int k = 0; k < keys; k++) {
                int pi = po + k * queries + q;
                int gi = dpo + k * queries + q;
                dp[gi] = (dp[gi] - dot) * p[pi] * scale;
            }
        }
    }
}
