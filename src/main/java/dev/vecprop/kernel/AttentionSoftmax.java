package dev.vecprop.kernel;

import dev.vecprop.simd.Simd;

/**
 * The softmax of scaled dot-product attention, in place over one head's {@code (rows, cols)} block
 * of scores {@code S = Q K^T} (row q = query q, column k = key k):
 * <pre>
 *   forward   P(q,k) = exp(scale*S(q,k) - m_q) / sum_k' exp(scale*S(q,k') - m_q)   over the keys q may see,
 *             m_q = max of scale*S(q,.) over them (max subtraction: stable for any finite scores);
 *             P(q,k) = 0 for a masked key: k &gt; q when causal, or keyPad[k] (a padded position)
 *   backward  dS(q,k) = scale * P(q,k) * (dP(q,k) - sum_k' dP(q,k') P(q,k'))
 * </pre>
 * A row whose keys are all masked gets all zeros (PyTorch gives NaN there). Vector code when the
 * Vector API is on (sums as vector partial sums added lane 0 first: the same bits for any thread
 * count), else the scalar twin {@link AttentionSoftmaxRef}, which defines the meaning.
 */
public final class AttentionSoftmax {
    private AttentionSoftmax() {}

    private static final boolean V = Simd.ENABLED;

    /**
     * Scores to probabilities, in place.
     *
     * @param s      the scores, row-major {@code [rows][cols]} from {@code s[so]}; receives P
     * @param so     the offset of the block
     * @param rows   the queries
     * @param cols   the keys
     * @param scale  the factor of the scores, {@code 1/sqrt(head dim)}
     * @param causal whether query q sees only keys {@code k <= q}
     * @param keyPad true at padded keys ({@code keyPad[kpo + k]}), or null for none
     * @param kpo    the offset of key 0's flag in {@code keyPad}
     */
    public static void forward(float[] s, int so, int rows, int cols, float scale, boolean causal,
                               boolean[] keyPad, int kpo) {
        if (V) AttentionSoftmaxVector.forward(s, so, rows, cols, scale, causal, keyPad, kpo);
        else AttentionSoftmaxRef.forward(s, so, rows, cols, scale, causal, keyPad, kpo);
    }

    /**
     * dL/dP to dL/dS, in place in {@code dp}.
     *
     * @param p     the forward's probabilities, row-major {@code [rows][cols]} from {@code p[po]}
     * @param po    their offset
     * @param dp    dL/dP, same layout from {@code dp[dpo]}; receives dL/dS (the scale included)
     * @param dpo   its offset
     * @param rows  the queries
     * @param cols  the keys
     * @param scale the forward's factor of the scores
     */
    public static void backward(float[] p, int po, float[] dp, int dpo, int rows, int cols, float scale) {
        if (V) AttentionSoftmaxVector.backward(p, po, dp, dpo, rows, cols, scale);
        else AttentionSoftmaxRef.backward(p, po, dp, dpo, rows, cols, scale);
    }
}
