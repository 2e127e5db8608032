package dev.vecprop.kernel;

import dev.vecprop.simd.FloatSpecies;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Vector bodies of {@link OptimizerKernels}; tails go through the scalar twin. */
final class OptimizerKernelsVector {
    private OptimizerKernelsVector() {}

    private static final VectorSpecies<Float> S = FloatSpecies.SPECIES;
    private static final int L = S.length();

    static void sgd(float[] p, float[] g, float[] buf, int from, int to, float lr, float momentum, float dampening,
                    boolean nesterov, float wd, boolean first) {
        FloatVector zero = FloatVector.zero(S);
        int i = from;
        for (; i <= to - L; i += L) {
            FloatVector w = FloatVector.fromArray(S, p, i);
            FloatVector d = FloatVector.fromArray(S, g, i).add(w.mul(wd));
            if (momentum != 0f) {
                FloatVector b = first ? d : FloatVector.fromArray(S, buf, i).mul(momentum).add(d.mul(1f - dampening));
                b.intoArray(buf, i);
                d = nesterov ? d.add(b.mul(momentum)) : b;
            }
            w.sub(d.mul(lr)).intoArray(p, i);
            zero.intoArray(g, i);
        }
        OptimizerKernelsRef.sgd(p, g, buf, i, to, lr, momentum, dampening, nesterov, wd, first);
    }

    static void adam(float[] p, float[] g, float[] m, float[] v, int from, int to, float lr, float b1, float b2,
                     float eps, float wd, boolean decoupled, long t) {
        float bc1 = (float) (1 - Math.pow(b1, t));
        float sqrtBc2 = (float) Math.sqrt(1 - Math.pow(b2, t));
        float stepSize = lr / bc1;
        float invSqrtBc2 = 1f / sqrtBc2;
        // one loop per mode, no branch inside: with the L2 term's branch in the loop C2's code was
        // markedly slower (the loop is sqrt + divide bound). Decoupled decay multiplies w by
        // 1 - lr*wd, which is exactly 1 without weight decay, so one loop serves both.
        int i = !decoupled && wd != 0f
                ? adamCoupled(p, g, m, v, from, to, b1, b2, eps, stepSize, invSqrtBc2, wd)
                : adamDecoupled(p, g, m, v, from, to, b1, b2, eps, stepSize, invSqrtBc2, 1f - lr * wd);
        OptimizerKernelsRef.adam(p, g, m, v, i, to, lr, b1, b2, eps, wd, decoupled, t);
    }

    private static int adamDecoupled(float[] p, float[] g, float[] m, float[] v, int from, int to, float b1, float b2,
                                     float eps, float stepSize, float invSqrtBc2, float decay) {
        FloatVector zero = FloatVector.zero(S);
        int i = from;
        for (; i <= to - L; i += L) {
            FloatVector w = FloatVector.fromArray(S, p, i).mul(decay);
            FloatVector d = FloatVector.fromArray(S, g, i);
            FloatVector mi = FloatVector.fromArray(S, m, i).mul(b1).add(d.mul(1f - b1));
            FloatVector vi = FloatVector.fromArray(S, v, i).mul(b2).add(d.mul(1f - b2).mul(d));
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            FloatVector denom = vi.sqrt().mul(invSqrtBc2).add(eps);
            w.sub(mi.div(denom).mul(stepSize)).intoArray(p, i);
            zero.intoArray(g, i);
        }
        return i;
    }

    private static int adamCoupled(float[] p, float[] g, float[] m, float[] v, int from, int to, float b1, float b2,
                                   float eps, float stepSize, float invSqrtBc2, float wd) {
        FloatVector zero = FloatVector.zero(S);
        int i = from;
        for (; i <= to - L; i += L) {
            FloatVector w = FloatVector.fromArray(S, p, i);
            FloatVector d = FloatVector.fromArray(S, g, i).add(w.mul(wd));
            FloatVector mi = FloatVector.fromArray(S, m, i).mul(b1).add(d.mul(1f - b1));
            FloatVector vi = FloatVector.fromArray(S, v, i).mul(b2).add(d.mul(1f - b2).mul(d));
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            FloatVector denom = vi.sqrt().mul(invSqrtBc2).add(eps);
            w.sub(mi.div(denom).mul(stepSize)).intoArray(p, i);
            zero.intoArray(g, i);
        }
        return i;
    }

    static void adagrad(float[] p, float[] g, float[] s, int from, int to, float clr, float eps, float wd) {
        FloatVector zero = FloatVector.zero(S);
        int i = from;
        for (; i <= to - L; i += L) {
            FloatVector w = FloatVector.fromArray(S, p, i);
            FloatVector d = FloatVector.fromArray(S, g, i).add(w.mul(wd));
            FloatVector si = FloatVector.fromArray(S, s, i).add(d.mul(d));
            si.intoArray(s, i);
            w.sub(d.div(si.sqrt().add(eps)).mul(clr)).intoArray(p, i);
            zero.intoArray(g, i);
        }
        OptimizerKernelsRef.adagrad(p, g, s, i, to, clr, eps, wd);
    }

    static void rmsprop(float[] p, float[] g, float[] s, float[] buf, int from, int to, float lr, float alpha,
                        float eps, float wd, float momentum) {
        FloatVector zero = FloatVector.zero(S);
        int i = from;
        for (; i <= to - L; i += L) {
            FloatVector w = FloatVector.fromArray(S, p, i);
            FloatVector d = FloatVector.fromArray(S, g, i).add(w.mul(wd));
            FloatVector si = FloatVector.fromArray(S, s, i).mul(alpha).add(d.mul(1f - alpha).mul(d));
            si.intoArray(s, i);
            FloatVector u = d.div(si.sqrt().add(eps));
            if (momentum != 0f) {
                u = FloatVector.fromArray(S, buf, i).mul(momentum).add(u);
                u.intoArray(buf, i);
            }
            w.sub(u.mul(lr)).intoArray(p, i);
            zero.intoArray(g, i);
        }
        OptimizerKernelsRef.rmsprop(p, g, s, buf, i, to, lr, alpha, eps, wd, momentum);
    }
}
