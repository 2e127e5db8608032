package dev.vecprop.kernel;

import dev.vecprop.simd.FloatSpecies;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import static dev.vecprop.kernel.ActivationsRef.ERF_A1;
import static dev.vecprop.kernel.ActivationsRef.ERF_A2;
import static dev.vecprop.kernel.ActivationsRef.ERF_A3;
import static dev.vecprop.kernel.ActivationsRef.ERF_A4;
import static dev.vecprop.kernel.ActivationsRef.ERF_A5;
import static dev.vecprop.kernel.ActivationsRef.ERF_P;
import static dev.vecprop.kernel.ActivationsRef.GELU_C;
import static dev.vecprop.kernel.ActivationsRef.INV_SQRT2;
import static dev.vecprop.kernel.ActivationsRef.INV_SQRT_2PI;
import static dev.vecprop.kernel.ActivationsRef.SQRT_2_OVER_PI;

/** Vector bodies of {@link Activations}; tails go through the scalar twin. Loaded only when enabled. */
final class ActivationsVector {
    private ActivationsVector() {}

    private static final VectorSpecies<Float> S = FloatSpecies.SPECIES;
    private static final int L = S.length();

    static void relu(float[] x, int xo, float[] y, int yo, int n) {
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector.fromArray(S, x, xo + i).max(zero).intoArray(y, yo + i);
        }
        ActivationsRef.relu(x, xo + i, y, yo + i, n - i);
    }

    static void reluBackward(float[] y, int yo, float[] dy, int dyo, float[] dx, int dxo, int n) {
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        for (; i <= n - L; i += L) {
            VectorMask<Float> pos = FloatVector.fromArray(S, y, yo + i).compare(VectorOperators.GT, 0f);
            zero.blend(FloatVector.fromArray(S, dy, dyo + i), pos).intoArray(dx, dxo + i);
        }
        ActivationsRef.reluBackward(y, yo + i, dy, dyo + i, dx, dxo + i, n - i);
    }

    static void leakyRelu(float[] x, int xo, float[] y, int yo, int n, float slope) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            v.mul(slope).blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(y, yo + i);
        }
        ActivationsRef.leakyRelu(x, xo + i, y, yo + i, n - i, slope);
    }

    static void leakyReluBackward(float[] x, int xo, float[] dy, int dyo, float[] dx, int dxo, int n, float slope) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector g = FloatVector.fromArray(S, dy, dyo + i);
            VectorMask<Float> pos = FloatVector.fromArray(S, x, xo + i).compare(VectorOperators.GT, 0f);
            g.mul(slope).blend(g, pos).intoArray(dx, dxo + i);
        }
        ActivationsRef.leakyReluBackward(x, xo + i, dy, dyo + i, dx, dxo + i, n - i, slope);
    }

    /** 1/(1+e^-|x|) mirrored for negative x: never overflows. */
    private static FloatVector sigmoid(FloatVector v) {
        FloatVector e = v.abs().neg().lanewise(VectorOperators.EXP); // in (0,1]
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector pos = one.div(one.add(e));
        FloatVector neg = e.div(one.add(e));
        return neg.blend(pos, v.compare(VectorOperators.GE, 0f));
    }

    static void sigmoid(float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            sigmoid(FloatVector.fromArray(S, x, xo + i)).intoArray(y, yo + i);
        }
        ActivationsRef.sigmoid(x, xo + i, y, yo + i, n - i);
    }

    static void sigmoidBackward(float[] y, int yo, float[] dy, int dyo, float[] dx, int dxo, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector s = FloatVector.fromArray(S, y, yo + i);
            FloatVector.fromArray(S, dy, dyo + i).mul(s).mul(s.neg().add(1f)).intoArray(dx, dxo + i);
        }
        ActivationsRef.sigmoidBackward(y, yo + i, dy, dyo + i, dx, dxo + i, n - i);
    }

    static void tanh(float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector.fromArray(S, x, xo + i).lanewise(VectorOperators.TANH).intoArray(y, yo + i);
        }
        ActivationsRef.tanh(x, xo + i, y, yo + i, n - i);
    }

    static void tanhBackward(float[] y, int yo, float[] dy, int dyo, float[] dx, int dxo, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector t = FloatVector.fromArray(S, y, yo + i);
            FloatVector.fromArray(S, dy, dyo + i).mul(t.mul(t).neg().add(1f)).intoArray(dx, dxo + i);
        }
        ActivationsRef.tanhBackward(y, yo + i, dy, dyo + i, dx, dxo + i, n - i);
    }

    /** erf by Abramowitz &amp; Stegun 7.1.26, as {@link ActivationsRef#erf}. */
    private static FloatVector erf(FloatVector x) {
        FloatVector ax = x.abs();
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector t = one.div(ax.mul(ERF_P).add(1f));
        FloatVector poly = t.mul(ERF_A5).add(ERF_A4).mul(t).add(ERF_A3).mul(t).add(ERF_A2).mul(t).add(ERF_A1).mul(t);
        FloatVector r = one.sub(poly.mul(ax.mul(ax).neg().lanewise(VectorOperators.EXP)));
        return r.blend(r.neg(), x.compare(VectorOperators.LT, 0f));
    }

    static void gelu(float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            v.mul(0.5f).mul(erf(v.mul(INV_SQRT2)).add(1f)).intoArray(y, yo + i);
        }
        ActivationsRef.gelu(x, xo + i, y, yo + i, n - i);
    }

    static void geluBackward(float[] x, int xo, float[] dy, int dyo, float[] dx, int dxo, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            FloatVector cdf = erf(v.mul(INV_SQRT2)).add(1f).mul(0.5f);
            FloatVector pdf = v.mul(v).mul(-0.5f).lanewise(VectorOperators.EXP).mul(INV_SQRT_2PI);
            FloatVector.fromArray(S, dy, dyo + i).mul(cdf.add(v.mul(pdf))).intoArray(dx, dxo + i);
        }
        ActivationsRef.geluBackward(x, xo + i, dy, dyo + i, dx, dxo + i, n - i);
    }

    static void geluTanh(float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            FloatVector u = v.mul(v).mul(v).mul(GELU_C).add(v).mul(SQRT_2_OVER_PI);
            v.mul(0.5f).mul(u.lanewise(VectorOperators.TANH).add(1f)).intoArray(y, yo + i);
        }
        ActivationsRef.geluTanh(x, xo + i, y, yo + i, n - i);
    }

    static void geluTanhBackward(float[] x, int xo, float[] dy, int dyo, float[] dx, int dxo, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            FloatVector v2 = v.mul(v);
            FloatVector u = v2.mul(v).mul(GELU_C).add(v).mul(SQRT_2_OVER_PI);
            FloatVector t = u.lanewise(VectorOperators.TANH);
            FloatVector du = v2.mul(3f * GELU_C).add(1f).mul(SQRT_2_OVER_PI);
            FloatVector g = t.add(1f).mul(0.5f).add(v.mul(0.5f).mul(t.mul(t).neg().add(1f)).mul(du));
            FloatVector.fromArray(S, dy, dyo + i).mul(g).intoArray(dx, dxo + i);
        }
        ActivationsRef.geluTanhBackward(x, xo + i, dy, dyo + i, dx, dxo + i, n - i);
    }

    static void mul(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector.fromArray(S, a, ao + i).mul(FloatVector.fromArray(S, b, bo + i)).intoArray(out, oo + i);
        }
        ActivationsRef.mul(a, ao + i, b, bo + i, out, oo + i, n - i);
    }

    static void add(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector.fromArray(S, a, ao + i).add(FloatVector.fromArray(S, b, bo + i)).intoArray(out, oo + i);
        }
        ActivationsRef.add(a, ao + i, b, bo + i, out, oo + i, n - i);
    }

    static void columnSumsAccumulate(float[] x, int xo, int rows, int cols, float[] sums, int so) {
        int j = 0;
        for (; j <= cols - L; j += L) {
            FloatVector acc = FloatVector.fromArray(S, sums, so + j);
            for (int r = 0; r < rows; r++) {
                acc = acc.add(FloatVector.fromArray(S, x, xo + r * cols + j));
            }
            acc.intoArray(sums, so + j);
        }
        for (; j < cols; j++) {
            float acc = sums[so + j];
            for (int r = 0; r < rows; r++) {
                acc += x[xo + r * cols + j];
            }
            sums[so + j] = acc;
        }
    }
}
