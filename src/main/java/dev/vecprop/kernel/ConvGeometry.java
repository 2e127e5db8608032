package dev.vecprop.kernel;

/**
 * The sizes and offset tables of one 2-D convolution over NCHW samples of a known input size, as
 * PyTorch defines it: {@code C -> OC} channels in {@code groups}, a {@code kh x kw} kernel, stride,
 * zero padding, dilation; {@code OH = (H + 2*pad - dil*(kh-1) - 1) / stride + 1}, likewise OW.
 *
 * <p>Per group the kernels see the zero-padded image {@code (C/g, HP, WP)}. {@code tap[r]} is the
 * offset of tap {@code r = (c*kh + i)*kw + j} (channel, kernel row, kernel column, dilation included)
 * and {@code pos[n]} that of output position {@code n = p*OW + q} in it. For the input gradient of a
 * stride-1 convolution as a full correlation of the output gradient padded by {@code dil*(k-1)}
 * ({@code (OC/g, HDP, WDP)}), {@code tapFlip} and {@code posFlip} are the same tables of the flipped
 * kernel and of the input positions in the padded gradient.
 */
public final class ConvGeometry {
    public final int c;
    public final int oc;
    public final int kh;
    public final int kw;
    public final int stride;
    public final int pad;
    public final int dil;
    public final int groups;
    public final int h;
    public final int w;
    public final int oh;
    public final int ow;
    public final int hp;
    public final int wp;
    public final int hdp;
    public final int wdp;
    /** Input channels per group. */
    public final int cpg;
    /** Output channels per group. */
    public final int opg;
    /** Taps per output channel: {@code cpg * kh * kw}. */
    public final int k;
    /** Taps of the flipped kernel per input channel: {@code opg * kh * kw}. */
    public final int kFlip;
    public final int[] tap;
    public final int[] pos;
    public final int[] tapFlip;
    public final int[] posFlip;

    /** The geometry of a convolution (sizes checked by the layer) over {@code (c, h, w)} inputs. */
    public ConvGeometry(int c, int oc, int kh, int kw, int stride, int pad, int dil, int groups, int h, int w) {
        this.c = c;
        this.oc = oc;
        this.kh = kh;
        this.kw = kw;
        this.stride = stride;
        this.pad = pad;
        this.dil = dil;
        this.groups = groups;
        this.h = h;
        this.w = w;
        this.oh = (h + 2 * pad - dil * (kh - 1) - 1) / stride + 1;
        this.ow = (w + 2 * pad - dil * (kw - 1) - 1) / stride + 1;
        this.hp = h + 2 * pad;
        this.wp = w + 2 * pad;
        this.cpg = c / groups;
        this.opg = oc / groups;
        this.k = cpg * kh * kw;
        this.kFlip = opg * kh * kw;
        this.hdp = oh + 2 * dil * (kh - 1);
        this.wdp = ow + 2 * dil * (kw - 1);
        boolean fits = oh >= 1 && ow >= 1;
        this.tap = fits ? taps(cpg, hp, wp) : new int[0];
        this.pos = fits ? positions(oh, ow, stride, 0, wp) : new int[0];
        this.tapFlip = fits && stride == 1 ? taps(opg, hdp, wdp) : null;
        this.posFlip = fits && stride == 1 ? positions(h, w, 1, pad, wdp) : null;
    }

    /** Output positions per channel, {@code OH * OW}. */
    public int positions() {
        return oh * ow;
    }

    /** Offsets of the kernel taps in an image of (channels, rows, cols). */
    private int[] taps(int channels, int rows, int cols) {
        int[] t = new int[channels * kh * kw];
        for (int ch = 0, r = 0; ch < channels; ch++) {
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++, r++) {
                    t[r] = (ch * rows + i * dil) * cols + j * dil;
                }
            }
        }
        return t;
    }

    /** Offsets of an (n1 x n2) grid of positions, step {@code step}, starting at (skip, skip), in rows of {@code cols}. */
    private static int[] positions(int n1, int n2, int step, int skip, int cols) {
        int[] p = new int[n1 * n2];
        for (int y = 0; y < n1; y++) {
            for (int x = 0; x < n2; x++) {
                p[y * n2 + x] = (y * step + skip) * cols + x * step + skip;
            }
        }
        return p;
    }
}
