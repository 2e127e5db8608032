package dev.vecprop.layer;

/** Window geometry shared by the 2-D pooling layers (NCHW, PyTorch's output-size formula, floor mode). */
abstract class Pool2d extends AbstractLayer {
    final int kh;
    final int kw;
    final int stride;
    final int pad;
    int c;
    int h;
    int w;
    int oh;
    int ow;

    Pool2d(int kh, int kw, int stride, int pad) {
        if (kh < 1 || kw < 1 || stride < 1 || pad < 0 || 2 * pad > Math.min(kh, kw)) {
            throw new dev.vecprop.ConfigException(getClass().getSimpleName() + "(kernel " + kh + "x" + kw + ", stride "
                    + stride + ", padding " + pad + "): sizes must be positive and padding at most half the kernel");
        }
        this.kh = kh;
        this.kw = kw;
        this.stride = stride;
        this.pad = pad;
    }

    @Override
    protected Shape computeOutputShape(Shape input) {
        if (input.rank() != 3) {
            throw new ShapeException(describe() + " expects (C,H,W), got " + input);
        }
        c = input.dim(0);
        h = input.dim(1);
        w = input.dim(2);
        oh = (h + 2 * pad - kh) / stride + 1;
        ow = (w + 2 * pad - kw) / stride + 1;
        if (oh < 1 || ow < 1) {
            throw new ShapeException(describe() + " does not fit input " + input);
        }
        return Shape.of(c, oh, ow);
    }
}
