package dev.vecprop.layer;

import dev.vecprop.kernel.MaxPool2x2;

/**
 * Max pooling over NCHW windows, as PyTorch's {@code MaxPool2d} (padding counts as minus infinity).
 * Forward records each window's argmax (the first maximum in row-major order, so ties resolve
 * deterministically) in the workspace; backward routes the gradient to it. The 2x2, stride-2,
 * unpadded case runs as vector kernels both ways ({@link MaxPool2x2}).
 *
 * <p>After a {@link ReLU}, {@link Sequential} runs the ReLU's backward inside this layer's
 * ({@link #backward(Context, int, float[], int, float[], int, float[], int, float[], int, float[], int, boolean)
 * reluInput}): the ReLU's output at a window's argmax is the pooled value, so its mask is {@code y > 0}
 * on the pooled outputs, and the ReLU's own pass over the un-pooled gradient disappears.
 */
public final class MaxPool2d extends Pool2d {
    /**
     * Creates max pooling over square windows with the stride equal to the kernel and no padding.
     *
     * @param kernel the window's height and width, at least 1
     * @throws dev.vecprop.ConfigException if {@code kernel} is less than 1
     */
    public MaxPool2d(int kernel) {
        this(kernel, kernel, 0);
    }

    /**
     * Creates max pooling over square windows. The output is {@code (C, OH, OW)} with
     * {@code OH = (H + 2*padding - kernel) / stride + 1} (floor), likewise OW.
     *
     * @param kernel  the window's height and width, at least 1
     * @param stride  the step between windows, at least 1
     * @param padding the border on each side, which never wins the max, from 0 to {@code kernel / 2}
     * @throws dev.vecprop.ConfigException if a size is out of range
     */
    public MaxPool2d(int kernel, int stride, int padding) {
        super(kernel, kernel, stride, padding);
    }

    @Override
    public LayerConfig config() {
        return LayerConfig.of("MaxPool2d", "kernel", kh, "stride", stride, "padding", pad);
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
        run(ctx, batch, true, x, xo, y, yo, null, 0, null, 0, ws, wo);
    }

    /** Planes [p0,p1) of the forward pass (plane = one channel of one sample). */
    private void forwardPlanes(int p0, int p1, float[] x, int xo, float[] y, int yo, float[] ws, int wo) {
        if (kh == 2 && kw == 2 && stride == 2 && pad == 0) {
            int in = p0 * h * w;
            int out = p0 * oh * ow;
            MaxPool2x2.forward(x, xo + in, p1 - p0, h, w, y, yo + out, ws, wo + out);
            return;
        }
        for (int pl = p0; pl < p1; pl++) {
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

    @Override
    public void backward(Context ctx, int batch, float[] x, int xo, float[] y, int yo,
                         float[] dy, int dyo, float[] dx, int dxo, float[] ws, int wo) {
        // dy (B,C,OH,OW) -> dx (B,C,H,W): each output's gradient to its argmax
        backward(ctx, batch, x, xo, y, yo, dy, dyo, dx, dxo, ws, wo, false);
    }

    /**
     * {@link #backward(Context, int, float[], int, float[], int, float[], int, float[], int, float[], int) Backward},
     * optionally through a {@link ReLU} before this layer: with {@code reluInput}, {@code x} is the
     * ReLU's output and {@code dx} receives the gradient at the ReLU's input, {@code dx = [x > 0] * dL/dx},
     * bit for bit what the ReLU's own backward would give. {@link Sequential} uses it for a ReLU
     * followed by a MaxPool2d.
     *
     * @param ctx       the pass's context
     * @param batch     the number of samples B, as in forward
     * @param x         the forward's input batch, NCHW [B][C][H][W], from {@code x[xo ..]}
     * @param xo        the offset of the first input in {@code x}
     * @param y         the forward's output batch, NCHW [B][C][OH][OW], from {@code y[yo ..]}
     * @param yo        the offset of the first output in {@code y}
     * @param dy        dL/dy, NCHW [B][C][OH][OW], from {@code dy[dyo ..]}
     * @param dyo       the offset of dL/dy in {@code dy}
     * @param dx        receives dL/dx (at the ReLU's input with {@code reluInput}), from {@code dx[dxo ..]}; null to skip it
     * @param dxo       the offset of dL/dx in {@code dx}
     * @param ws        the scratch the forward filled
     * @param wo        the offset of the layer's scratch in {@code ws}
     * @param reluInput whether to apply the preceding ReLU's backward
     */
    public void backward(Context ctx, int batch, float[] x, int xo, float[] y, int yo,
                         float[] dy, int dyo, float[] dx, int dxo, float[] ws, int wo, boolean reluInput) {
        if (dx == null) {
            return;
        }
        run(ctx, batch, false, null, 0, reluInput ? y : null, yo, dy, dyo, dx, dxo, ws, wo);
    }

    /** Planes [p0,p1) of the backward; with y (the pooled outputs) not null, only where y > 0 (the ReLU's mask). */
    private void backwardPlanes(int p0, int p1, float[] y, int yo, float[] dy, int dyo, float[] dx, int dxo,
                                float[] ws, int wo) {
        if (kh == 2 && kw == 2 && stride == 2 && pad == 0) {
            int out = p0 * oh * ow;
            MaxPool2x2.backward(dy, dyo + out, ws, wo + out, y, yo + out, p1 - p0, h, w, dx, dxo + p0 * h * w);
            return;
        }
        java.util.Arrays.fill(dx, dxo + p0 * h * w, dxo + p1 * h * w, 0f);
        for (int pl = p0; pl < p1; pl++) {
            int out = pl * oh * ow;
            int in = dxo + pl * h * w;
            for (int o = 0; o < oh * ow; o++) {
                // every window whose argmax is one input has that input's value as its output, so
                // y > 0 is the ReLU's mask at the input (the same for all of them)
                if (y == null || y[yo + out + o] > 0f) {
                    dx[in + (int) ws[wo + out + o]] += dy[dyo + out + o];
                }
            }
        }
    }

    /** Below this many input elements a pass runs on the calling thread alone. */
    private static final int PARALLEL_MIN = 1 << 15;

    private static final int FORWARD = 0;
    private static final int BACKWARD = 1;

    /** A pass split over the workers by planes (one channel of one sample; each output and each dx element has one owner). */
    private void run(Context ctx, int batch, boolean fwd, float[] x, int xo, float[] y, int yo,
                     float[] dy, int dyo, float[] dx, int dxo, float[] ws, int wo) {
        int planes = batch * c;
        ParallelPass.get(body, fwd ? FORWARD : BACKWARD, batch).in(x, xo).out(y, yo).grad(dy, dyo).inputGrad(dx, dxo)
                .ws(ws, wo).run(ctx.pool(), planes, 1, (long) planes * h * w >= PARALLEL_MIN);
    }

    /** This layer's work for items {@code [from, to)} of pass {@code p}. */
    private final ParallelPass.Body body = this::range;

    private void range(ParallelPass p, int from, int to) {
        if (p.kind == FORWARD) {
            forwardPlanes(from, to, p.x, p.xo, p.y, p.yo, p.ws, p.wo);
        } else {
            backwardPlanes(from, to, p.y, p.yo, p.dy, p.dyo, p.dx, p.dxo, p.ws, p.wo);
        }
    }
}
