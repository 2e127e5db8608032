package dev.vecprop.kernel;

/** Scalar twin of {@link AttentionSoftmax}: the definition, sums in key order in float. */
public final class AttentionSoftmaxRef {
    private AttentionSoftmaxRef() {}

    /** The keys row q sees before padding: {@code q + 1} when causal, else all. */
    static int visible(int q, int cols, boolean causal) {
        return causal ? Math.min(q + 1, cols) : cols;
    }

    /** See {@link AttentionSoftmax#forward}. */
    public static void forward(float[] s, int so, int rows, int cols, float scale, boolean causal,
                               boolean[] keyPad, int kpo) {
        for (int q = 0; q < rows; q++) {
            int ri = so + q * cols;
            int n = visible(q, cols, causal);
            float max = Float.NEGATIVE_INFINITY;
            for (int k = 0; k < n; k++) {
                if (keyPad != null && keyPad[kpo + k]) {
                    s[ri + k] = Float.NEGATIVE_INFINITY;
                }
                max = Math.max(max, s[ri + k]);
            }
            if (max == Float.NEGATIVE_INFINITY) {
                java.util.Arrays.fill(s, ri, ri + cols, 0f);
                continue;
            }
            float sum = 0f;
            for (int k = 0; k < n; k++) {
                float e = (float) Math.exp((s[ri + k] - max) * scale);
                s[ri + k] = e;
                sum += e;
            }
            float inv = 1f / sum;
            for (int k = 0; k < n; k++) {
                s[ri + k] *= inv;
            }
            java.util.Arrays.fill(s, ri + n, ri + cols, 0f);
        }
    }

    /** See {@link AttentionSoftmax#backward}. */
    public static void backward(float[] p, int po, float[] dp, int dpo, int rows, int cols, float scale) {
        for (int q = 0; q < rows; q++) {
            int pi = po + q * cols;
            int gi = dpo + q * cols;
            float dot = 0f;
            for (int k = 0; k < cols; k++) {
                dot += dp[gi + k] * p[pi + k];
            }
            for (int k = 0; k < cols; k++) {
                dp[gi + k] = scale * p[pi + k] * (dp[gi + k] - dot);
            }
        }
    }
}
