package dev.vecprop.kernel;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

/** Optimizer kernels against their scalar twins (sizes hitting every tail) and against hand-computed updates. */
class OptimizerKernelsTest {

    static float[] rnd(Random r, int n, boolean positive) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = positive ? r.nextFloat() : (float) r.nextGaussian();
        }
        return x;
    }

    static void close(float[] a, float[] b, float tol) {
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).as("element %d", i).isCloseTo(b[i], offset(tol * Math.max(1f, Math.abs(b[i]))));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 5, 8, 13, 16, 33, 1000})
    void everyOptimizerMatchesItsTwin(int n) {
        Random r = new Random(n);
        float[] p0 = rnd(r, n, false);
        float[] g0 = rnd(r, n, false);
        float[] s0 = rnd(r, n, true);
        float[] m0 = rnd(r, n, false);
        for (boolean nesterov : new boolean[]{false, true}) {
            for (boolean first : new boolean[]{false, true}) {
                float[] pa = p0.clone(), ga = g0.clone(), ba = m0.clone();
                float[] pb = p0.clone(), gb = g0.clone(), bb = m0.clone();
                OptimizerKernels.sgd(pa, ga, ba, 0, n, 0.1f, 0.9f, 0f, nesterov, 1e-3f, first);
                OptimizerKernelsRef.sgd(pb, gb, bb, 0, n, 0.1f, 0.9f, 0f, nesterov, 1e-3f, first);
                close(pa, pb, 1e-6f);
                close(ba, bb, 1e-6f);
                assertThat(ga).containsOnly(0f);
            }
        }
        for (float wd : new float[]{0f, 0.01f}) { // 0: the vector body's plain loop
            for (boolean decoupled : new boolean[]{false, true}) {
                float[] pa = p0.clone(), ga = g0.clone(), ma = m0.clone(), va = s0.clone();
                float[] pb = p0.clone(), gb = g0.clone(), mb = m0.clone(), vb = s0.clone();
                OptimizerKernels.adam(pa, ga, ma, va, 0, n, 1e-3f, 0.9f, 0.999f, 1e-8f, wd, decoupled, 3);
                OptimizerKernelsRef.adam(pb, gb, mb, vb, 0, n, 1e-3f, 0.9f, 0.999f, 1e-8f, wd, decoupled, 3);
                close(pa, pb, 1e-6f);
                close(ma, mb, 1e-6f);
                close(va, vb, 1e-6f);
                assertThat(ga).containsOnly(0f);
            }
        }
        float[] pa = p0.clone(), ga = g0.clone(), sa = s0.clone();
        float[] pb = p0.clone(), gb = g0.clone(), sb = s0.clone();
        OptimizerKernels.adagrad(pa, ga, sa, 0, n, 0.01f, 1e-10f, 0.001f);
        OptimizerKernelsRef.adagrad(pb, gb, sb, 0, n, 0.01f, 1e-10f, 0.001f);
        close(pa, pb, 1e-6f);
        close(sa, sb, 1e-6f);
        float[] pc = p0.clone(), gc = g0.clone(), sc = s0.clone(), bc = m0.clone();
        float[] pd = p0.clone(), gd = g0.clone(), sd = s0.clone(), bd = m0.clone();
        OptimizerKernels.rmsprop(pc, gc, sc, bc, 0, n, 0.01f, 0.99f, 1e-8f, 0.001f, 0.5f);
        OptimizerKernelsRef.rmsprop(pd, gd, sd, bd, 0, n, 0.01f, 0.99f, 1e-8f, 0.001f, 0.5f);
        close(pc, pd, 1e-5f);
        close(bc, bd, 1e-5f);
    }

    @org.junit.jupiter.api.Test
    void adamFirstStepMovesEachWeightByAboutLr() {
        // t=1: m = 0.1 g, v = 0.001 g^2, mhat = g, vhat = g^2  =>  p -= lr * g / (|g| + eps)
        float[] p = {1f, -2f, 0.5f};
        float[] g = {0.3f, -4f, 1e-3f};
        OptimizerKernels.adam(p, g, new float[3], new float[3], 0, 3, 0.01f, 0.9f, 0.999f, 1e-8f, 0f, false, 1);
        assertThat(p[0]).isCloseTo(0.99f, offset(1e-6f));
        assertThat(p[1]).isCloseTo(-1.99f, offset(1e-6f));
        assertThat(p[2]).isCloseTo(0.49f, offset(1e-5f));
        // AdamW decays the weight first: p*(1 - lr*wd)
        float[] q = {2f};
        OptimizerKernels.adam(q, new float[]{0f}, new float[1], new float[1], 0, 1, 0.1f, 0.9f, 0.999f, 1e-8f, 0.5f, true, 1);
        assertThat(q[0]).isCloseTo(1.9f, offset(1e-6f));
    }

    @org.junit.jupiter.api.Test
    void sgdMomentumFollowsPyTorch() {
        // PyTorch: buf1 = g1; p -= lr*buf1; buf2 = mu*buf1 + g2; p -= lr*buf2
        float[] p = {1f};
        float[] buf = new float[1];
        OptimizerKernels.sgd(p, new float[]{2f}, buf, 0, 1, 0.1f, 0.9f, 0f, false, 0f, true);
        assertThat(p[0]).isCloseTo(0.8f, offset(1e-7f));
        OptimizerKernels.sgd(p, new float[]{1f}, buf, 0, 1, 0.1f, 0.9f, 0f, false, 0f, false);
        assertThat(buf[0]).isCloseTo(2.8f, offset(1e-6f));
        assertThat(p[0]).isCloseTo(0.52f, offset(1e-6f));
    }
}
