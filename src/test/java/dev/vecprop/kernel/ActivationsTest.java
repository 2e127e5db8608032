package dev.vecprop.kernel;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** Elementwise kernels against their scalar twins at sizes that hit every tail. */
class ActivationsTest {

    interface Op {
        void run(float[] in1, float[] in2, float[] out, int off, int n, boolean ref);
    }

    static void compare(String name, Op op, int n, double rel, boolean positiveIn2) {
        Random rnd = new Random(n * 7L + name.hashCode());
        int off = 3;
        float[] a = new float[n + off];
        float[] b = new float[n + off];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (rnd.nextGaussian() * 3);
            b[i] = positiveIn2 ? rnd.nextFloat() : (float) rnd.nextGaussian();
        }
        a[off] = 0f; // exact zero at the start (ReLU boundary)
        float[] got = new float[n + off];
        float[] want = new float[n + off];
        op.run(a, b, got, off, n, false);
        op.run(a, b, want, off, n, true);
        for (int i = off; i < n + off; i++) {
            double tol = rel * Math.max(1.0, Math.abs(want[i]));
            assertThat((double) got[i]).as("%s[%d] of %d, x=%s", name, i - off, n, a[i])
                    .isCloseTo(want[i], org.assertj.core.data.Offset.offset(tol));
        }
        assertThat(got[0]).isEqualTo(0f);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 4, 7, 8, 15, 16, 17, 31, 33, 63, 65, 127, 784})
    void everyKernelMatchesItsTwin(int n) {
        compare("relu", (x, y, o, off, k, ref) -> {
            if (ref) ActivationsRef.relu(x, off, o, off, k); else Activations.relu(x, off, o, off, k);
        }, n, 0, false);
        compare("reluBackward", (x, y, o, off, k, ref) -> {
            if (ref) ActivationsRef.reluBackward(x, off, y, off, o, off, k);
            else Activations.reluBackward(x, off, y, off, o, off, k);
        }, n, 0, false);
        compare("leakyRelu", (x, y, o, off, k, ref) -> {
            if (ref) ActivationsRef.leakyRelu(x, off, o, off, k, 0.1f); else Activations.leakyRelu(x, off, o, off, k, 0.1f);
        }, n, 0, false);
        compare("leakyReluBackward", (x, y, o, off, k, ref) -> {
            if (ref) ActivationsRef.leakyReluBackward(x, off, y, off, o, off, k, 0.1f);
            else Activations.leakyReluBackward(x, off, y, off, o, off, k, 0.1f);
        }, n, 0, false);
        compare("sigmoid", (x, y, o, off, k, ref) -> {
            if (ref) ActivationsRef.sigmoid(x, off, o, off, k); else Activations.sigmoid(x, off, o, off, k);
        }, n, 2e-6, false);
        compare("sigmoidBackward", (x, y, o, off, k, ref) -> {
            if (ref) ActivationsRef.sigmoidBackward(y, off, x, off, o, off, k);
            else Activations.sigmoidBackward(y, off, x, off, o, off, k);
        }, n, 1e-6, true);
        compare("tanh", (x, y, o, off, k, ref) -> {
            if (ref) ActivationsRef.tanh(x, off, o, off, k); else Activations.tanh(x, off, o, off, k);
        }, n, 2e-6, false);
        compare("tanhBackward", (x, y, o, off, k, ref) -> {
            if (ref) ActivationsRef.tanhBackward(y, off, x, off, o, off, k);
            else Activations.tanhBackward(y, off, x, off, o, off, k);
        }, n, 1e-6, true);
        compare("gelu", (x, y, o, off, k, ref) -> {
            if (ref) ActivationsRef.gelu(x, off, o, off, k); else Activations.gelu(x, off, o, off, k);
        }, n, 2e-6, false);
        compare("geluBackward", (x, y, o, off, k, ref) -> {
            if (ref) ActivationsRef.geluBackward(x, off, y, off, o, off, k);
            else Activations.geluBackward(x, off, y, off, o, off, k);
        }, n, 2e-6, false);
        compare("geluTanh", (x, y, o, off, k, ref) -> {
            if (ref) ActivationsRef.geluTanh(x, off, o, off, k); else Activations.geluTanh(x, off, o, off, k);
        }, n, 2e-6, false);
        compare("geluTanhBackward", (x, y, o, off, k, ref) -> {
            if (ref) ActivationsRef.geluTanhBackward(x, off, y, off, o, off, k);
            else Activations.geluTanhBackward(x, off, y, off, o, off, k);
        }, n, 2e-6, false);
        compare("mul", (x, y, o, off, k, ref) -> {
            if (ref) ActivationsRef.mul(x, off, y, off, o, off, k); else Activations.mul(x, off, y, off, o, off, k);
        }, n, 0, false);
        compare("add", (x, y, o, off, k, ref) -> {
            if (ref) ActivationsRef.add(x, off, y, off, o, off, k); else Activations.add(x, off, y, off, o, off, k);
        }, n, 0, false);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 9, 17, 33, 256})
    void columnSumsAreBitIdenticalToTheTwin(int cols) {
        Random rnd = new Random(cols);
        int rows = 13;
        float[] x = new float[rows * cols + 2];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        float[] a = new float[cols + 1];
        float[] b = new float[cols + 1];
        a[1] = b[1] = 0.25f;
        Activations.columnSumsAccumulate(x, 2, rows, cols, a, 1);
        ActivationsRef.columnSumsAccumulate(x, 2, rows, cols, b, 1);
        assertThat(a).containsExactly(b);
    }

    @org.junit.jupiter.api.Test
    void erfIsAccurate() {
        // erf(0.5) = 0.5204998778, erf(1) = 0.8427007929, erf(2) = 0.9953222650
        assertThat((double) ActivationsRef.erf(0.5f)).isCloseTo(0.5204998778, org.assertj.core.data.Offset.offset(3e-7));
        assertThat((double) ActivationsRef.erf(1f)).isCloseTo(0.8427007929, org.assertj.core.data.Offset.offset(3e-7));
        assertThat((double) ActivationsRef.erf(-2f)).isCloseTo(-0.9953222650, org.assertj.core.data.Offset.offset(3e-7));
        assertThat(ActivationsRef.sigmoid(-100f)).isGreaterThanOrEqualTo(0f).isLessThan(1e-40f);
        assertThat(ActivationsRef.sigmoid(100f)).isEqualTo(1f);
    }

    @SuppressWarnings("unused")
    private static void unused(Consumer<Object> c) {
    }
}
