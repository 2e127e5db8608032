package dev.vecprop.layer;

/**
 * Average pooling over NCHW windows, as PyTorch's {@code AvgPool2d} with {@code count_include_pad=True}
 * (padded zeros count in the divisor). {@link #global()} averages each whole channel plane,
 * like {@code AdaptiveAvgPool2d(1)}, to (C,1,1).
 */
public final class AvgPool2d extends Pool2d {
    private final boolean global;

    /**
     * Creates average pooling over square windows with the stride equal to the kernel and no padding.
     *
     * @param kernel the window's height and width, at least 1
     * @throws dev.vecprop.ConfigException if {@code kernel} is less than 1
     */
    public AvgPool2d(int kernel) {
        this(kernel, kernel, 0);
    }

    /**
     * Creates average pooling over square windows. The output is {@code (C, OH, OW)} with
     * {@code OH = (H + 2*padding - kernel) / stride + 1} (floor), likewise OW.
     *
     * @param kernel  the window's height and width, at least 1
     * @param stride  the step between windows, at least 1
     * @param padding the zero border on each side, from 0 to {@code kernel / 2}
     * @throws dev.vecprop.ConfigException if a size is out of range
     */
    public AvgPool2d(int kernel, int stride, int padding) {
        super(kernel, kernel, stride, padding);
        this.global = false;
    }

    private AvgPool2d() {
        super(1, 1, 1, 0);
        this.global = true;
    }

    /** {@return a global average pooling layer: (C,H,W) -> (C,1,1), the mean of each channel plane} */
    public static AvgPool2d global() {
        return new AvgPool2d();
    }

    @Override
    public LayerConfig config() {
        return global ? LayerConfig.of("GlobalAvgPool2d") : LayerConfig.of("AvgPool2d", "kernel", kh, "stride", stride, "padding", pad);
    }

    @Override
    public String describe() {
        return global ? "GlobalAvgPool2d" : "AvgPool2d(" + kh + (stride == kh ? "" : ", stride=" + stride)
                + (pad == 0 ? "" : ", padding=" + pad) + ")";
    }

    @Override
    protected Shape computeOutputShape(Shape input) {
        if (!global) {
            return super.computeOutputShape(input);
        }
        if (input.rank() != 3) {
            throw new ShapeException(describe() + " expects (C,H,W), got " + input);
        }
        c = input.dim(0);
        h = input.dim(1);
        w = input.dim(2);
        oh = 1;
        ow = 1;
        return Shape.of(c, 1, 1);
    }

    private int winH() {
        return global ? h : kh;
    }

    private int winW() {
        return global ? w : kw;
    }

    private int step() {
        return global ? 1 : stride;
    }

    @Override
    public void forward(Context ctx, int batch, float[] x, int xo, float[] y, int yo, float[] ws, int wo) {
        // x (B,C,H,W) -> y (B,C,OH,OW) = window means
        int planes = batch * c;
        float inv = 1f / (winH() * winW());
        for (int pl = 0; pl < planes; pl++) {
            int in = xo + pl * h * w;
            for (int p = 0; p < oh; p++) {
                for (int q = 0; q < ow; q++) {
                    float s = 0f;
                    for (int i = 0; i < winH(); i++) {
                        int yy = p * step() - pad + i;
                        if (yy < 0 || yy >= h) {
                            continue;
                        }
                        for (int j = 0; j < winW(); j++) {
                            int xx = q * step() - pad + j;
                            if (xx >= 0 && xx < w) {
                                s += x[in + yy * w + xx];
                            }
                        }
                    }
                    y[yo + (pl * oh + p) * ow + q] = s * inv;
                }
            }
        }
    }

    @Override
    public void backward(Context ctx, int batch, float[] x, int xo, float[] y, int yo,
                         float[] dy, int dyo, float[] dx, int dxo, float[] ws, int wo) {
        // dy (B,C,OH,OW) -> dx (B,C,H,W): each output's gradient spread evenly over its window
        if (dx == null) {
            return;
        }
        int planes = batch * c;
        java.util.Arrays.fill(dx, dxo, dxo + planes * h * w, 0f);
        float inv = 1f / (winH() * winW());
        for (int pl = 0; pl < planes; pl++) {
            int in = dxo + pl * h * w;
            for (int p = 0; p < oh; p++) {
                for (int q = 0; q < ow; q++) {
                    float gv = dy[dyo + (pl * oh + p) * ow + q] * inv;
                    for (int i = 0; i < winH(); i++) {
                        int yy = p * step() - pad + i;
                        if (yy < 0 || yy >= h) {
                            continue;
                        }
                        for (int j = 0; j < winW(); j++) {
                            int xx = q * step() - pad + j;
                            if (xx >= 0 && xx < w) {
                                dx[in + yy * w + xx] += gv;
                            }
                        }
                    }
                }
            }
        }
    }
}
