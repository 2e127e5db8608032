package dev.vecprop.kernel;

import dev.vecprop.simd.GemmTiling;
import dev.vecprop.simd.Simd;

/**
 * One row times a weight matrix in {@link Panels}: {@code y[0..out) = ep(x[0..in) . W^T)}, the
 * batch-1 case of {@link Sgemm#forwardPacked} (a dense layer serving one request). The GEMM would
 * run its MR-row register tile with one live row, MR times the multiply-adds; this streams each
 * panel once, four panels at a time (eight independent accumulator chains hide the FMA latency),
 * and only over the inputs that are not zero (a blank MNIST pixel costs nothing, as in the GEMM's
 * sparse path).
 *
 * <p>Every output is the GEMM's to the bit (up to the sign of a zero): the same K blocks
 * ({@code kcStep} from {@link GemmTiling#KC}), within a block one fused multiply-add chain per
 * output in increasing k from zero, blocks merged by addition in order, the epilogue last.
 * {@link PanelGemvVector} is the Vector API kernel, {@link #scalar} its plain twin and the reference of the tests.
 */
public final class PanelGemv {
    private static final int NR = GemmTiling.NR;
    private static final int KC = GemmTiling.KC;
    /** The vector kernel exists for panels of two vectors; it lives in its own class so that the scalar path never loads the Vector API. */
    private static final boolean VECTOR = Simd.ENABLED && NR == 2 * Simd.LANES;

    private PanelGemv() {}

    /**
     * {@code y[yOff..yOff+out) = ep(x[xOff..xOff+in) . W^T)}, W^T ({@code in x out}) in panels at
     * {@code w[wOff..]} (panel stride {@link Panels#stride}{@code (in)}). Arguments are the
     * caller's to check ({@link Sgemm#forwardPacked} does).
     *
     * @param in   inputs (rows of W^T), ≥ 1
     * @param out  outputs (columns of W^T), ≥ 1
     * @param x    the input row
     * @param xOff where it starts
     * @param w    the panels
     * @param wOff where they start
     * @param y    the output row (written, not accumulated)
     * @param yOff where it starts
     * @param ep   bias/ReLU applied after the product ({@link Epilogue#NONE} for none)
     */
    static void run(int in, int out, float[] x, int xOff, float[] w, int wOff, float[] y, int yOff, Epilogue ep) {
        if (VECTOR) {
            PanelGemvVector.run(in, out, x, xOff, w, wOff, y, yOff, ep);
        } else {
            scalar(in, out, x, xOff, w, wOff, y, yOff, ep);
        }
    }

    /** The GEMM's even K blocks: a function of {@code in} alone. */
    static int kcStep(int in) {
        int kBlocks = (in + KC - 1) / KC;
        return (in + kBlocks - 1) / kBlocks;
    }

    /** The scalar twin of {@link PanelGemvVector#run}: the same blocks, chains and merges, one output at a time. */
    static void scalar(int in, int out, float[] x, int xOff, float[] w, int wOff, float[] y, int yOff, Epilogue ep) {
        int ldw = Panels.stride(in);
        int step = kcStep(in);
        for (int pc = 0; pc < in; pc += step) {
            int k1 = Math.min(in, pc + step);
            for (int j = 0; j < out; j++) {
                int base = wOff + (j / NR) * ldw + j % NR;
                float acc = 0f;
                for (int k = pc; k < k1; k++) {
                    float xk = x[xOff + k];
                    if (xk != 0f) {
                        acc = Math.fma(xk, w[base + k * NR], acc);
                    }
                }
                y[yOff + j] = pc == 0 ? acc : acc + y[yOff + j];
            }
        }
        if (ep.kind != Epilogue.Kind.NONE) {
            SgemmScalarKernels.epilogue(ep, y, yOff, out, 0, 0, 1, out);
        }
    }
}
