package dev.vecprop.kernel;

import dev.vecprop.simd.Simd;

/**
 * Forward of 2x2, stride-2, unpadded max pooling over {@code planes} planes of {@code h x w}
 * (the LeNet/ConvNet case): each output is the window's maximum, and {@code arg} receives the
 * index of the first maximum in row-major order within the plane (ties resolve to the earliest;
 * a NaN wins over numbers and the first NaN is kept, as PyTorch propagates NaN). Vector code when
 * the Vector API is on, else the scalar twin {@link MaxPool2x2Ref}, which defines the meaning.
 */
public final class MaxPool2x2 {
    private MaxPool2x2() {}

    private static final boolean V = Simd.ENABLED;

    /** x (planes, h, w) -> y (planes, h/2, w/2) and arg (planes, h/2, w/2), indices stored as floats. */
    public static void forward(float[] x, int xo, int planes, int h, int w, float[] y, int yo, float[] arg, int ao) {
        if (V) MaxPool2x2Vector.forward(x, xo, planes, h, w, y, yo, arg, ao);
        else MaxPool2x2Ref.forward(x, xo, planes, h, w, y, yo, arg, ao);
    }
}
