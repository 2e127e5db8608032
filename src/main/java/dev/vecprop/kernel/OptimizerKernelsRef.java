package dev.vecprop.kernel;

/**
 * Scalar twins of {@link OptimizerKernels}: one pass over {@code [from, to)} of the flat parameter
 * array {@code p}, its gradient {@code g} and the optimizer's state arrays, with PyTorch's update
 * rules. Every kernel zeroes {@code g} in the same pass.
 */
public final class OptimizerKernelsRef {
    private OptimizerKernelsRef() {}

    /**
     * SGD with optional L2 weight decay, momentum (dampening, Nesterov), as {@code torch.optim.SGD}.
     * {@code first}: the first step initialises the momentum buffer to the gradient.
     */
    public static void sgd(float[] p, float[] g, float[] buf, int from, int to, float lr, float momentum, float dampening,
                           boolean nesterov, float wd, boolean first) {
        for (int i = from; i < to; i++) {
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

    /**
     * Adam / AdamW ({@code decoupled}): {@code m = b1 m + (1-b1) g}, {@code v = b2 v + (1-b2) g^2},
     * {@code p -= (lr/bc1) m / (sqrt(v) * (1/sqrt(bc2)) + eps)}, bc = 1 - beta^t. Weight decay is L2
     * ({@code g += wd p}) for Adam, {@code p *= 1 - lr wd} for AdamW.
     */
    public static void adam(float[] p, float[] g, float[] m, float[] v, int from, int to, float lr, float b1, float b2,
                            float eps, float wd, boolean decoupled, long t) {
        float bc1 = (float) (1 - Math.pow(b1, t));
        float sqrtBc2 = (float) Math.sqrt(1 - Math.pow(b2, t));
        float stepSize = lr / bc1;
        float decay = 1f - lr * wd;
        float invSqrtBc2 = 1f / sqrtBc2;
        for (int i = from; i < to; i++) {
            float w = p[i];
            float d = g[i];
            if (decoupled) {
                w *= decay;
            } else if (wd != 0f) {
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

    /** Adagrad: {@code s += g^2}, {@code p -= clr g / (sqrt(s) + eps)}, with L2 weight decay. */
    public static void adagrad(float[] p, float[] g, float[] s, int from, int to, float clr, float eps, float wd) {
        for (int i = from; i < to; i++) {
            float d = g[i] + wd * p[i];
            float si = s[i] + d * d;
            s[i] = si;
            p[i] -= clr * (d / ((float) Math.sqrt(si) + eps));
            g[i] = 0f;
        }
    }

    /**
     * RMSprop (not centered): {@code s = a s + (1-a) g^2}; with momentum {@code buf = mu buf + g/(sqrt(s)+eps)},
     * {@code p -= lr buf}, else {@code p -= lr g/(sqrt(s)+eps)}; L2 weight decay.
     */
    public static void rmsprop(float[] p, float[] g, float[] s, float[] buf, int from, int to, float lr, float alpha,
                               float eps, float wd, float momentum) {
        for (int i = from; i < to; i++) {
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
