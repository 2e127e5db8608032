package dev.vecprop.kernel;

import dev.vecprop.simd.Simd;

/**
 * Forward of 2x2, stride-2, unpadded max pooling over {@code planes} planes of {@code h x w}
 * (the LeNet/ConvNet case): each output is the window's maximum, and {@code arg} receives the
 * index of the first maximum in row-major order within the plane (ties resolve to the earliest;
 * a NaN wins over numbers and the first NaN is kept, as PyTorch propagates NaN). Vector code when
 * the Vector API is on, else the scalar twin {@link MaxPool2x2Ref}, which defines the meaning.
 *
 * <p>Backward writes every input gradient of the planes: {@code 0 + dy} at each window's argmax and
 * {@code +0} elsewhere; given the pooled outputs {@code y}, only where {@code y > 0}, which is the
 * backward of a ReLU before the pool taken on in the same pass (the ReLU's output at the argmax is
 * the pooled value).
 */
public final class MaxPool2x2 {
    private MaxPool2x2() {}

    private static final boolean V = Simd.ENABLED;

    /** x (planes, h, w) -> y (planes, h/2, w/2) and arg (planes, h/2, w/2), indices stored as floats. */
    public static void forward(float[] x, int xo, int planes, int h, int w, float[] y, int yo, float[] arg, int ao) {
        if (V) MaxPool2x2Vector.forward(x, xo, planes, h, w, y, yo, arg, ao);
        else MaxPool2x2Ref.forward(x, xo, planes, h, w, y, yo, arg, ao);
    }

    /**
     * dy (planes, h/2, w/2) and arg -> dx (planes, h, w), every element written; with {@code y} (the
     * pooled outputs) not null, a gradient passes only where {@code y > 0} (a ReLU's mask).
     */
    public static void backward(float[] dy, int dyo, float[] arg, int ao, float[] y, int yo, int planes, int h, int w,
                                float[] dx, int dxo) {
        if (V) MaxPool2x2Vector.backward(dy, dyo, arg, ao, y, yo, planes, h, w, dx, dxo);
        else MaxPool2x2Ref.backward(dy, dyo, arg, ao, y, yo, planes, h, w, dx, dxo);
    }
}
