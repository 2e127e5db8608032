package dev.vecprop.kernel;

import dev.vecprop.simd.Simd;

/**
 * Optimizer updates as single SIMD loops over the flat parameter, gradient and state arrays
 * (see {@link OptimizerKernelsRef}, the scalar twin, for each rule). Elementwise, so the layout of
 * the arrays (packed weights included) does not matter and results do not depend on threads.
 */
public final class OptimizerKernels {
    private OptimizerKernels() {}

    public static void sgd(float[] p, float[] g, float[] buf, int from, int to, float lr, float momentum, float dampening,
                           boolean nesterov, float wd, boolean first) {
        if (Simd.ENABLED) {
            OptimizerKernelsVector.sgd(p, g, buf, from, to, lr, momentum, dampening, nesterov, wd, first);
        } else {
            OptimizerKernelsRef.sgd(p, g, buf, from, to, lr, momentum, dampening, nesterov, wd, first);
        }
    }

    public static void adam(float[] p, float[] g, float[] m, float[] v, int from, int to, float lr, float b1, float b2,
                            float eps, float wd, boolean decoupled, long t) {
        if (Simd.ENABLED) {
            OptimizerKernelsVector.adam(p, g, m, v, from, to, lr, b1, b2, eps, wd, decoupled, t);
        } else {
            OptimizerKernelsRef.adam(p, g, m, v, from, to, lr, b1, b2, eps, wd, decoupled, t);
        }
    }

    public static void adagrad(float[] p, float[] g, float[] s, int from, int to, float clr, float eps, float wd) {
        if (Simd.ENABLED) {
            OptimizerKernelsVector.adagrad(p, g, s, from, to, clr, eps, wd);
        } else {
            OptimizerKernelsRef.adagrad(p, g, s, from, to, clr, eps, wd);
        }
    }

    public static void rmsprop(float[] p, float[] g, float[] s, float[] buf, int from, int to, float lr, float alpha,
                               float eps, float wd, float momentum) {
        if (Simd.ENABLED) {
            OptimizerKernelsVector.rmsprop(p, g, s, buf, from, to, lr, alpha, eps, wd, momentum);
        } else {
            OptimizerKernelsRef.rmsprop(p, g, s, buf, from, to, lr, alpha, eps, wd, momentum);
        }
    }
}
