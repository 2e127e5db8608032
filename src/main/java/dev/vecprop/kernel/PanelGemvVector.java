package dev.vecprop.kernel;

import dev.vecprop.simd.FloatSpecies;
import dev.vecprop.simd.GemmTiling;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** The Vector API kernel of {@link PanelGemv}: four panels at a time, eight accumulator chains. */
final class PanelGemvVector {
    private static final VectorSpecies<Float> S = FloatSpecies.SPECIES;
    private static final int L = S.length();
    private static final int NR = GemmTiling.NR;

    private PanelGemvVector() {}

    /** Per-thread scratch: the kept input indices of a block, and one panel's outputs for a ragged edge. */
    private static final class Scratch {
        int[] keep = new int[0];
        final float[] tile = new float[NR];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    static void run(int in, int out, float[] x, int xOff, float[] w, int wOff, float[] y, int yOff, Epilogue ep) {
        Scratch s = SCRATCH.get();
        if (s.keep.length < in + NonzeroInputs.slack()) {
            s.keep = new int[in + NonzeroInputs.slack()];
        }
        int[] keep = s.keep;
        int ldw = Panels.stride(in);
        int panels = (out + NR - 1) / NR;
        int full = out / NR; // panels whose every lane is an output
        int step = PanelGemv.kcStep(in);
        for (int pc = 0; pc < in; pc += step) {
            int n = NonzeroInputs.kept(x, xOff, pc, Math.min(in, pc + step), keep);
            boolean first = pc == 0;
            int p = 0;
            for (; p + 4 <= full; p += 4) {
                four(x, xOff, keep, n, w, wOff + p * ldw, ldw, y, yOff + p * NR, first);
            }
            for (; p < panels; p++) {
                one(x, xOff, keep, n, w, wOff + p * ldw, y, yOff + p * NR, Math.min(NR, out - p * NR), first, s.tile);
            }
        }
        if (ep.kind != Epilogue.Kind.NONE) {
            SgemmVectorKernels.epilogue(ep, y, yOff, out, 0, 0, 1, out);
        }
    }

    /**
     * Four whole panels (at {@code base}, {@code ldw} apart) over the kept inputs of one K block, into
     * {@code y[yo .. yo + 4 NR)}: stored for the first block, else added. No vector crosses a method
     * boundary here (a helper taking vectors boxes them wherever C2 does not inline it).
     */
    private static void four(float[] x, int xOff, int[] keep, int n, float[] w, int base, int ldw,
                             float[] y, int yo, boolean first) {
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S);
        FloatVector b0 = FloatVector.zero(S), b1 = FloatVector.zero(S);
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S);
        FloatVector d0 = FloatVector.zero(S), d1 = FloatVector.zero(S);
        for (int i = 0; i < n; i++) {
            int k = keep[i];
            FloatVector xk = FloatVector.broadcast(S, x[xOff + k]);
            int o = base + k * NR;
            a0 = xk.fma(FloatVector.fromArray(S, w, o), a0);
            a1 = xk.fma(FloatVector.fromArray(S, w, o + L), a1);
            b0 = xk.fma(FloatVector.fromArray(S, w, o + ldw), b0);
            b1 = xk.fma(FloatVector.fromArray(S, w, o + ldw + L), b1);
            c0 = xk.fma(FloatVector.fromArray(S, w, o + 2 * ldw), c0);
            c1 = xk.fma(FloatVector.fromArray(S, w, o + 2 * ldw + L), c1);
            d0 = xk.fma(FloatVector.fromArray(S, w, o + 3 * ldw), d0);
            d1 = xk.fma(FloatVector.fromArray(S, w, o + 3 * ldw + L), d1);
        }
        if (!first) {
            a0 = a0.add(FloatVector.fromArray(S, y, yo));
            a1 = a1.add(FloatVector.fromArray(S, y, yo + L));
            b0 = b0.add(FloatVector.fromArray(S, y, yo + NR));
            b1 = b1.add(FloatVector.fromArray(S, y, yo + NR + L));
            c0 = c0.add(FloatVector.fromArray(S, y, yo + 2 * NR));
            c1 = c1.add(FloatVector.fromArray(S, y, yo + 2 * NR + L));
            d0 = d0.add(FloatVector.fromArray(S, y, yo + 3 * NR));
            d1 = d1.add(FloatVector.fromArray(S, y, yo + 3 * NR + L));
        }
        a0.intoArray(y, yo);
        a1.intoArray(y, yo + L);
        b0.intoArray(y, yo + NR);
        b1.intoArray(y, yo + NR + L);
        c0.intoArray(y, yo + 2 * NR);
        c1.intoArray(y, yo + 2 * NR + L);
        d0.intoArray(y, yo + 3 * NR);
        d1.intoArray(y, yo + 3 * NR + L);
    }

    /**
     * One panel (at {@code base}) over the kept inputs of one K block into its {@code nv} outputs at
     * {@code y[yo ..]}; a ragged last panel goes through {@code tile}, its padding lanes dropped.
     */
    private static void one(float[] x, int xOff, int[] keep, int n, float[] w, int base,
                            float[] y, int yo, int nv, boolean first, float[] tile) {
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S);
        for (int i = 0; i < n; i++) {
            int k = keep[i];
            FloatVector xk = FloatVector.broadcast(S, x[xOff + k]);
            int o = base + k * NR;
            a0 = xk.fma(FloatVector.fromArray(S, w, o), a0);
            a1 = xk.fma(FloatVector.fromArray(S, w, o + L), a1);
        }
        if (nv == NR) {
            if (!first) {
                a0 = a0.add(FloatVector.fromArray(S, y, yo));
                a1 = a1.add(FloatVector.fromArray(S, y, yo + L));
            }
            a0.intoArray(y, yo);
            a1.intoArray(y, yo + L);
        } else {
            a0.intoArray(tile, 0);
            a1.intoArray(tile, L);
            for (int t = 0; t < nv; t++) {
                y[yo + t] = first ? tile[t] : tile[t] + y[yo + t];
            }
        }
    }
}
