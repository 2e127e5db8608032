package dev.vecprop.kernel;

import dev.vecprop.simd.Simd;

/**
 * The adjoint of im2col for one group of one sample: the gradient columns {@code dcols}
 * ({@code k} tap rows of {@code OH*OW} positions, row stride {@code ld}) added into the input gradient
 * {@code (C/g, H, W)} at {@code xo}, each column element to the input element its tap read
 * (positions that read the zero border add nothing):
 * <pre>{@code
 *   dx[xo + (c*H + p*stride - pad + i*dil)*W + q*stride - pad + j*dil] += dcols[co + ((c*kh + i)*kw + j)*ld + p*OW + q]
 * }</pre>
 * At stride 1 an output row's span inside its input row is a contiguous run, added as vectors
 * ({@link Activations#add}); the scalar twin {@link Col2ImRef} is the definition and the path for
 * other strides. Each element receives its terms in the same order either way: the two agree bit for bit.
 */
public final class Col2Im {
    private Col2Im() {}

    public static void accumulate(ConvGeometry g, float[] dcols, int co, int ld, float[] dx, int xo) {
        if (Simd.ENABLED && g.stride == 1) {
            runs(g, dcols, co, ld, dx, xo);
        } else {
            Col2ImRef.accumulate(g, dcols, co, ld, dx, xo);
        }
    }

    private static void runs(ConvGeometry g, float[] dcols, int co, int ld, float[] dx, int xo) {
        int r = 0;
        for (int c = 0; c < g.cpg; c++) {
            for (int i = 0; i < g.kh; i++) {
                for (int j = 0; j < g.kw; j++, r++) {
                    int xoff = j * g.dil - g.pad; // input column of output column q is q + xoff
                    int q0 = Math.max(0, -xoff);
                    int q1 = Math.min(g.ow, g.w - xoff);
                    if (q1 <= q0) {
                        continue;
                    }
                    int src = co + r * ld;
                    for (int p = 0; p < g.oh; p++) {
                        int yy = p - g.pad + i * g.dil;
                        if (yy < 0 || yy >= g.h) {
                            continue;
                        }
                        int dst = xo + (c * g.h + yy) * g.w + q0 + xoff;
                        Activations.add(dx, dst, dcols, src + p * g.ow + q0, dx, dst, q1 - q0);
                    }
                }
            }
        }
    }
}
