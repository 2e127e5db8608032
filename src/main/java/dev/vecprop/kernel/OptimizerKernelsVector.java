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
        for (; i < to; i++) {
            float d = g[i] + wd * p[i];
            if (momentum != 0f) {
                float b = first ? d : momentum * buf[i] + (1f - dampening) * d;
                buf[i] = b;
                d = nesterov ? d + momentum * b : b;
            }
            p[i] -= lr * d;
            g[i] = 0f;
        }
    }

    static void adam(float[] p, float[] g, float[] m, float[] v, int from, int to, float lr, float b1, float b2,
                     float eps, float wd, boolean decoupled, long t) {
        float bc1 = (float) (1 - Math.pow(b1, t));
        float sqrtBc2 = (float) Math.sqrt(1 - Math.pow(b2, t));
        float stepSize = lr / bc1;
        float decay = 1f - lr * wd;
        float invSqrtBc2 = 1f / sqrtBc2;
        FloatVector zero = FloatVector.zero(S);
        int i = from;
        for (; i <= to - L; i += L) {
            FloatVector w = FloatVector.fromArray(S, p, i);
            FloatVector d = FloatVector.fromArray(S, g, i);
            if (decoupled) {
                w = w.mul(decay);
            } else {
                d = d.add(w.mul(wd));
            }
            FloatVector mi = FloatVector.fromArray(S, m, i).mul(b1).add(d.mul(1f - b1));
            FloatVector vi = FloatVector.fromArray(S, v, i).mul(b2).add(d.mul(1f - b2).mul(d));
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            FloatVector denom = vi.sqrt().mul(invSqrtBc2).add(eps);
            w.sub(mi.div(denom).mul(stepSize)).intoArray(p, i);
            zero.intoArray(g, i);
        }
        for (; i < to; i++) {
            float w = p[i];
            float d = g[i];
            if (decoupled) {
                w *= decay;
            } else {
                d += wd * w;
            }
            float mi = b1 * m[i] + (1f - b1) * d;
            float vi = b2 * v[i] + (1f - b2) * d * d;
            m[i] = mi;
            v[i] = vi;
            float denom = (float) Math.sqrt(vi) * invSqrtBc2 + eps;
            p[i] = w - stepSize * (mi / denom);
            g[i] = 0f;
        }
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
        for (; i < to; i++) {
            float d = g[i] + wd * p[i];
            float si = s[i] + d * d;
            s[i] = si;
            p[i] -= clr * (d / ((float) Math.sqrt(si) + eps));
            g[i] = 0f;
        }
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
        for (; i < to; i++) {
            float d = g[i] + wd * p[i];
            float si = alpha * s[i] + (1f - alpha) * d * d;
            s[i] = si;
            float u = d / ((float) Math.sqrt(si) + eps);
            if (momentum != 0f) {
                u = momentum * buf[i] + u;
                buf[i] = u;
            }
            p[i] -= lr * u;
            g[i] = 0f;
        }
    }
}
