package dev.vecprop.kernel;

import dev.vecprop.simd.FloatSpecies;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector bodies of {@link AttentionSoftmax}: the transposed block {@code [keys][queries]} in column
 * blocks of one vector of queries (the last one masked at {@code queries}), each pass walking down
 * the keys with one running max or sum per lane: no lane crosses another, so the sums are the scalar
 * twin's, in its order. Under the causal mask a block's keys past its last query are all masked
 * (stored as zeros) and the keys inside it are masked lane by lane ({@code k <= q}). Loaded only
 * when enabled; no helper takes a vector.
 */
final class AttentionSoftmaxVector {
    private AttentionSoftmaxVector() {}

    private static final VectorSpecies<Float> S = FloatSpecies.SPECIES;
    private static final int L = S.length();

    static void forward(float[] s, int so, int keys, int queries, float scale, boolean causal,
                        boolean[] keyPad, int kpo) {
        FloatVector ninf = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        FloatVector zero = FloatVector.zero(S);
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector lane = zero.addIndex(1);
        for (int q0 = 0; q0 < queries; q0 += L) {
            VectorMask<Float> in = S.indexInRange(q0, queries);
            int kEnd = causal ? Math.min(keys, q0 + L) : keys; // keys past q0 + L - 1: masked for every lane
            FloatVector vmax = ninf;
            for (int k = 0; k < kEnd; k++) {
                if (keyPad != null && keyPad[kpo + k]) {
                    continue;
                }
                FloatVector x = FloatVector.fromArray(S, s, so + k * queries + q0, in);
                if (causal && k > q0) {
                    x = ninf.blend(x, lane.compare(VectorOperators.GE, k - q0));
                }
                vmax = vmax.max(x);
            }
            FloatVector m = vmax.blend(zero, vmax.compare(VectorOperators.EQ, Float.NEGATIVE_INFINITY));
            FloatVector acc = zero;
            for (int k = 0; k < kEnd; k++) {
                int i = so + k * queries + q0;
                if (keyPad != null && keyPad[kpo + k]) {
                    zero.intoArray(s, i, in);
                    continue;
                }
                FloatVector e = FloatVector.fromArray(S, s, i, in).sub(m).mul(scale).lanewise(VectorOperators.EXP);
                if (causal && k > q0) {
                    e = zero.blend(e, lane.compare(VectorOperators.GE, k - q0));
                }
                e.intoArray(s, i, in);
                acc = acc.add(e);
            }
            FloatVector inv = one.div(acc).blend(zero, acc.compare(VectorOperators.EQ, 0f));
            for (int k = 0; k < kEnd; k++) {
                int i = so + k * queries + q0;
                FloatVector.fromArray(S, s, i, in).mul(inv).intoArray(s, i, in);
            }
            for (int k = kEnd; k < keys; k++) {
                zero.intoArray(s, so + k * queries + q0, in);
            }
        }
    }

    static void backward(float[] p, int po, float[] dp, int dpo, int keys, int queries, float scale) {
        for (int q0 = 0; q0 < queries; q0 += L) {
            VectorMask<Float> in = S.indexInRange(q0, queries);
            FloatVector dot = FloatVector.zero(S);
            for (int k = 0; k < keys; k++) {
                dot = FloatVector.fromArray(S, dp, dpo + k * queries + q0, in)
                        .fma(FloatVector.fromArray(S, p, po + k * queries + q0, in), dot);
            }
            for (int k = 0; k < keys; k++) {
                int gi = dpo + k * queries + q0;
                FloatVector pv = FloatVector.fromArray(S, p, po + k * queries + q0, in);
                FloatVector.fromArray(S, dp, gi, in).sub(dot).mul(pv).mul(scale).intoArray(dp, gi, in);
            }
        }
    }
}
