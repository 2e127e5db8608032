package dev.vecprop.kernel;

import dev.vecprop.simd.Simd;

/**
 * Elementwise kernels (activations, their derivatives, add/mul, bias-gradient column sums) on
 * {@code float[]} + offsets. Vector code when the Vector API is on, else the scalar twin
 * {@link ActivationsRef}, which also defines each kernel's meaning. In-place use
 * ({@code x == y}, same offset) is allowed.
 */
public final class Activations {
    private Activations() {}

    private static final boolean V = Simd.ENABLED;

    public static void relu(float[] x, int xo, float[] y, int yo, int n) {
        if (V) ActivationsVector.relu(x, xo, y, yo, n); else ActivationsRef.relu(x, xo, y, yo, n);
    }

    public static void reluBackward(float[] y, int yo, float[] dy, int dyo, float[] dx, int dxo, int n) {
        if (V) ActivationsVector.reluBackward(y, yo, dy, dyo, dx, dxo, n);
        else ActivationsRef.reluBackward(y, yo, dy, dyo, dx, dxo, n);
    }

    public static void leakyRelu(float[] x, int xo, float[] y, int yo, int n, float slope) {
        if (V) ActivationsVector.leakyRelu(x, xo, y, yo, n, slope);
        else ActivationsRef.leakyRelu(x, xo, y, yo, n, slope);
    }

    public static void leakyReluBackward(float[] x, int xo, float[] dy, int dyo, float[] dx, int dxo, int n,
                                         float slope) {
        if (V) ActivationsVector.leakyReluBackward(x, xo, dy, dyo, dx, dxo, n, slope);
        else ActivationsRef.leakyReluBackward(x, xo, dy, dyo, dx, dxo, n, slope);
    }

    public static void sigmoid(float[] x, int xo, float[] y, int yo, int n) {
        if (V) ActivationsVector.sigmoid(x, xo, y, yo, n); else ActivationsRef.sigmoid(x, xo, y, yo, n);
    }

    public static void sigmoidBackward(float[] y, int yo, float[] dy, int dyo, float[] dx, int dxo, int n) {
        if (V) ActivationsVector.sigmoidBackward(y, yo, dy, dyo, dx, dxo, n);
        else ActivationsRef.sigmoidBackward(y, yo, dy, dyo, dx, dxo, n);
    }

    public static void tanh(float[] x, int xo, float[] y, int yo, int n) {
        if (V) ActivationsVector.tanh(x, xo, y, yo, n); else ActivationsRef.tanh(x, xo, y, yo, n);
    }

    public static void tanhBackward(float[] y, int yo, float[] dy, int dyo, float[] dx, int dxo, int n) {
        if (V) ActivationsVector.tanhBackward(y, yo, dy, dyo, dx, dxo, n);
        else ActivationsRef.tanhBackward(y, yo, dy, dyo, dx, dxo, n);
    }

    public static void gelu(float[] x, int xo, float[] y, int yo, int n) {
        if (V) ActivationsVector.gelu(x, xo, y, yo, n); else ActivationsRef.gelu(x, xo, y, yo, n);
    }

    public static void geluBackward(float[] x, int xo, float[] dy, int dyo, float[] dx, int dxo, int n) {
        if (V) ActivationsVector.geluBackward(x, xo, dy, dyo, dx, dxo, n);
        else ActivationsRef.geluBackward(x, xo, dy, dyo, dx, dxo, n);
    }

    public static void geluTanh(float[] x, int xo, float[] y, int yo, int n) {
        if (V) ActivationsVector.geluTanh(x, xo, y, yo, n); else ActivationsRef.geluTanh(x, xo, y, yo, n);
    }

    public static void geluTanhBackward(float[] x, int xo, float[] dy, int dyo, float[] dx, int dxo, int n) {
        if (V) ActivationsVector.geluTanhBackward(x, xo, dy, dyo, dx, dxo, n);
        else ActivationsRef.geluTanhBackward(x, xo, dy, dyo, dx, dxo, n);
    }

    public static void mul(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        if (V) ActivationsVector.mul(a, ao, b, bo, out, oo, n); else ActivationsRef.mul(a, ao, b, bo, out, oo, n);
    }

    public static void add(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        if (V) ActivationsVector.add(a, ao, b, bo, out, oo, n); else ActivationsRef.add(a, ao, b, bo, out, oo, n);
    }

    /** {@code sums[j] += sum_r x(r, j)} over a row-major {@code rows x cols} block, rows in order. */
    public static void columnSumsAccumulate(float[] x, int xo, int rows, int cols, float[] sums, int so) {
        if (V) ActivationsVector.columnSumsAccumulate(x, xo, rows, cols, sums, so);
        else ActivationsRef.columnSumsAccumulate(x, xo, rows, cols, sums, so);
    }
}
