package dev.vecprop.kernel;

/**
 * The flipped, channel-transposed kernel of a convolution, per group: for weights
 * {@code W [OC][C/g][kh][kw]} at {@code wo},
 * <pre>{@code
 *   flip[fo + (g*cpg + c)*kb + (o*kh + i)*kw + j] = W[g*opg + o][c][kh-1-i][kw-1-j],   kb = opg*kh*kw
 * }</pre>
 * the weights of the stride-1 input gradient as a full correlation of the padded output gradient.
 * A data movement (OC x C/g x kh x kw elements once per backward), so it is its own reference.
 */
public final class KernelFlip {
    private KernelFlip() {}

    public static void flip(float[] w, int wo, int groups, int cpg, int opg, int kh, int kw, float[] flip, int fo) {
        int kb = opg * kh * kw;
        for (int gi = 0; gi < groups; gi++) {
            for (int c = 0; c < cpg; c++) {
                int dst = fo + (gi * cpg + c) * kb;
                for (int o = 0; o < opg; o++) {
                    int src = wo + ((gi * opg + o) * cpg + c) * kh * kw;
                    for (int i = 0; i < kh; i++) {
                        for (int j = 0; j < kw; j++) {
                            flip[dst + (o * kh + i) * kw + j] = w[src + (kh - 1 - i) * kw + (kw - 1 - j)];
                        }
                    }
                }
            }
        }
    }
}
