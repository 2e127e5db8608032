package dev.vecprop.layer;

import dev.vecprop.kernel.MaxPool2x2;

/**
 * Max pooling over NCHW windows, as PyTorch's {@code MaxPool2d} (padding counts as minus infinity).
 * Forward records each window's argmax (the first maximum in row-major order, so ties resolve
 * deterministically) in the workspace; backward routes the gradient to it.
 */
public final class MaxPool2d extends Pool2d {
    public MaxPool2d(int kernel) {
        this(kernel, kernel, 0);
    }

    public MaxPool2d(int kernel, int stride, int padding) {
        super(kernel, kernel, stride, padding);
    }

    @Override
    public String describe() {
        return "MaxPool2d(" + kh + (stride == kh ? "" : ", stride=" + stride) + (pad == 0 ? "" : ", padding=" + pad) + ")";
    }

    @Override
    public int workspaceSize(int batch) {
        return batch * c * oh * ow; // argmax index (within the sample's channel plane) per output
    }

    @Override
    public void forward(Context ctx, int batch, float[] x, int xo, float[] y, int yo, float[] ws, int wo) {
        // x (B,C,H,W) -> y (B,C,OH,OW); argmax in ws
        int planes = batch * c;
        if (kh == 2 && kw == 2 && stride == 2 && pad == 0) {
            forward2x2(planes, x, xo, y, yo, ws, wo);
            return;
        }
        for (int pl = 0; pl < planes; pl++) {
            int in = xo + pl * h * w;
            int out = pl * oh * ow;
            for (int p = 0; p < oh; p++) {
                for (int q = 0; q < ow; q++) {
                    float best = Float.NEGATIVE_INFINITY;
                    int arg = -1;
                    for (int i = 0; i < kh; i++) {
                        int yy = p * stride - pad + i;
                        if (yy < 0 || yy >= h) {
                            continue;
                        }
                        for (int j = 0; j < kw; j++) {
                            int xx = q * stride - pad + j;
                            if (xx < 0 || xx >= w) {
                                continue;
                            }
                            float v = x[in + yy * w + xx];
                            // first maximum wins; NaN propagates (as PyTorch); written for conditional moves
                            boolean take = v > best || arg < 0 || v != v && best == best;
                            best = take ? v : best;
                            arg = take ? yy * w + xx : arg;
                        }
                    }
                    y[yo + out + p * ow + q] = best;
                    ws[wo + out + p * ow + q] = arg;
                }
            }
        }
    }

    /** The common LeNet/ConvNet case: 2x2 windows, stride 2, no padding — a branch-free SIMD kernel. */
    private void forward2x2(int planes, float[] x, int xo, float[] y, int yo, float[] ws, int wo) {
        MaxPool2x2.forward(x, xo, planes, h, w, y, yo, ws, wo);
    }

    @Override
    public void backward(Context ctx, int batch, float[] x, int xo, float[] y, int yo,
                         float[] dy, int dyo, float[] dx, int dxo, float[] ws, int wo) {
        // dy (B,C,OH,OW) -> dx (B,C,H,W): each output's gradient to its argmax
        if (dx == null) {
            return;
        }
        int planes = batch * c;
        java.util.Arrays.fill(dx, dxo, dxo + planes * h * w, 0f);
        for (int pl = 0; pl < planes; pl++) {
            int out = pl * oh * ow;
            int in = dxo + pl * h * w;
            for (int o = 0; o < oh * ow; o++) {
                dx[in + (int) ws[wo + out + o]] += dy[dyo + out + o];
            }
        }
    }
}
