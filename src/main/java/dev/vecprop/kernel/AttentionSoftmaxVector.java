package dev.vecprop.kernel;

import dev.vecprop.simd.FloatSpecies;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector bodies of {@link AttentionSoftmax}: each row's max, exponentials and sums over full vectors
 * of keys and the row's tail as one masked vector, the lanes combined in a fixed order (lane 0 first).
 * Loaded only when enabled.
 */
final class AttentionSoftmaxVector {
    private AttentionSoftmaxVector() {}

    private static final VectorSpecies<Float> S = FloatSpecies.SPECIES;
    private static final int L = S.length();
    private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[L]);

    static void forward(float[] s, int so, int rows, int cols, float scale, boolean causal,
                        boolean[] keyPad, int kpo) {
        float[] tmp = LANES.get();
        for (int q = 0; q < rows; q++) {
            int ri = so + q * cols;
            int n = AttentionSoftmaxRef.visible(q, cols, causal);
            if (keyPad != null) {
                for (int k = 0; k < n; k++) {
                    if (keyPad[kpo + k]) {
                        s[ri + k] = Float.NEGATIVE_INFINITY;
                    }
                }
            }
            int full = n - n % L;
            // the row's tail as one masked vector (lanes past n read as -inf, so they add exp(-inf) = 0)
            VectorMask<Float> tail = S.indexInRange(full, n);
            FloatVector ninf = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            FloatVector vmax = ninf;
            for (int k = 0; k < full; k += L) {
                vmax = vmax.max(FloatVector.fromArray(S, s, ri + k));
            }
            if (full < n) {
                vmax = vmax.max(ninf.blend(FloatVector.fromArray(S, s, ri + full, tail), tail));
            }
            vmax.intoArray(tmp, 0);
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < L; i++) {
                max = Math.max(max, tmp[i]);
            }
            if (max == Float.NEGATIVE_INFINITY) {
                java.util.Arrays.fill(s, ri, ri + cols, 0f);
                continue;
            }
            FloatVector m = FloatVector.broadcast(S, max);
            FloatVector acc = FloatVector.zero(S);
            for (int k = 0; k < full; k += L) {
                FloatVector e = FloatVector.fromArray(S, s, ri + k).sub(m).mul(scale).lanewise(VectorOperators.EXP);
                e.intoArray(s, ri + k);
                acc = acc.add(e);
            }
            if (full < n) {
                FloatVector e = ninf.blend(FloatVector.fromArray(S, s, ri + full, tail), tail)
                        .sub(m).mul(scale).lanewise(VectorOperators.EXP);
                e.intoArray(s, ri + full, tail);
                acc = acc.add(e);
            }
            acc.intoArray(tmp, 0);
            float sum = 0f;
            for (int i = 0; i < L; i++) {
                sum += tmp[i];
            }
            float inv = 1f / sum;
            for (int k = 0; k < full; k += L) {
                FloatVector.fromArray(S, s, ri + k).mul(inv).intoArray(s, ri + k);
            }
            if (full < n) {
                FloatVector.fromArray(S, s, ri + full, tail).mul(inv).intoArray(s, ri + full, tail);
            }
            java.util.Arrays.fill(s, ri + n, ri + cols, 0f);
        }
    }

    static void backward(float[] p, int po, float[] dp, int dpo, int rows, int cols, float scale) {
        float[] tmp = LANES.get();
        int full = cols - cols % L;
        VectorMask<Float> tail = S.indexInRange(full, cols);
        for (int q = 0; q < rows; q++) {
            int pi = po + q * cols;
            int gi = dpo + q * cols;
            FloatVector acc = FloatVector.zero(S);
            for (int k = 0; k < full; k += L) {
                acc = FloatVector.fromArray(S, dp, gi + k).fma(FloatVector.fromArray(S, p, pi + k), acc);
            }
            if (full < cols) { // masked lanes load as 0
                acc = FloatVector.fromArray(S, dp, gi + full, tail).fma(FloatVector.fromArray(S, p, pi + full, tail), acc);
            }
            acc.intoArray(tmp, 0);
            float dot = 0f;
            for (int i = 0; i < L; i++) {
                dot += tmp[i];
            }
            FloatVector vd = FloatVector.broadcast(S, dot);
            for (int k = 0; k < full; k += L) {
                FloatVector pv = FloatVector.fromArray(S, p, pi + k);
                FloatVector.fromArray(S, dp, gi + k).sub(vd).mul(pv).mul(scale).intoArray(dp, gi + k);
            }
            if (full < cols) {
                FloatVector pv = FloatVector.fromArray(S, p, pi + full, tail);
                FloatVector.fromArray(S, dp, gi + full, tail).sub(vd).mul(pv).mul(scale).intoArray(dp, gi + full, tail);
            }
        }
    }
}
