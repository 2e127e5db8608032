package dev.vecprop.kernel;

import dev.vecprop.simd.Simd;

/**
 * The softmax of scaled dot-product attention, in place over one head's block of scores stored
 * <em>transposed</em>: {@code S^T = K Q^T}, row-major {@code [keys][queries]} (row k = key k,
 * column q = query q), so that every query's softmax runs down a column and a vector of lanes holds
 * consecutive queries; no sum crosses lanes.
 * <pre>
 *   forward   P(q,k) = exp(scale*S(q,k) - m_q) / sum_k' exp(scale*S(q,k') - m_q)   over the keys q may see,
 *             m_q = max of S(q,.) over them (max subtraction: stable for any finite scores);
 *             P(q,k) = 0 for a masked key: k &gt; q when causal, or keyPad[k] (a padded position)
 *   backward  dS(q,k) = scale * P(q,k) * (dP(q,k) - sum_k' dP(q,k') P(q,k'))
 * </pre>
 * A query whose keys are all masked gets all zeros (PyTorch gives NaN there). Every sum runs over
 * the keys in increasing order from 0, one query per lane, in the vector code and in the scalar twin
 * {@link AttentionSoftmaxRef} (which defines the meaning) alike: the two differ only by the
 * exponential's rounding, and neither depends on the thread count.
 */
public final class AttentionSoftmax {
    private AttentionSoftmax() {}

    private static final boolean V = Simd.ENABLED;

    /**
     * Scores to probabilities, in place.
     *
     * @param s       the scores {@code S^T}, row-major {@code [keys][queries]} from {@code s[so]}; receives {@code P^T}
     * @param so      the offset of the block
     * @param keys    the keys (rows)
     * @param queries the queries (columns, the row pitch)
     * @param scale   the factor of the scores, {@code 1/sqrt(head dim)}
     * @param causal  whether query q sees only keys {@code k <= q}
     * @param keyPad  true at padded keys ({@code keyPad[kpo + k]}), or null for none
     * @param kpo     the offset of key 0's flag in {@code keyPad}
     */
    public static void forward(float[] s, int so, int keys, int queries, float scale, boolean causal,
                               boolean[] keyPad, int kpo) {
        if (V) AttentionSoftmaxVector.forward(s, so, keys, queries, scale, causal, keyPad, kpo);
        else AttentionSoftmaxRef.forward(s, so, keys, queries, scale, causal, keyPad, kpo);
    }

    /**
     * dL/dP to dL/dS, in place in {@code dp}, both transposed as in {@link #forward}.
     *
     * @param p       the forward's {@code P^T}, row-major {@code [keys][queries]} from {@code p[po]}
     * @param po      its offset
     * @param dp      dL/dP transposed, same layout from {@code dp[dpo]}; receives dL/dS transposed (the scale included)
     * @param dpo     its offset
     * @param keys    the keys (rows)
     * @param queries the queries (columns, the row pitch)
     * @param scale   the forward's factor of the scores
     */
    public static void backward(float[] p, int po, float[] dp, int dpo, int keys, int queries, float scale) {
        if (V) AttentionSoftmaxVector.backward(p, po, dp, dpo, keys, queries, scale);
        else AttentionSoftmaxRef.backward(p, po, dp, dpo, keys, queries, scale);
    }
}
