package dev.vecprop.simd;

import java.util.List;

/**
 * Register-tile and cache-block sizes of the packed GEMM, chosen once per JVM.
 *
 * <p>The micro-kernel keeps an {@code MR x NV} grid of accumulator vectors in registers
 * ({@code NR = NV * lanes} columns). The default depends on the register file: with 32 vector
 * registers (AVX-512, AArch64) a tall tile keeps the FMA units busy; with 16 (AVX2) a 12-accumulator
 * tile spills its accumulators to memory and loses far more than a smaller tile's extra loads cost,
 * so 16 registers get 4x2 (8 accumulators).
 * Overrides: {@code -Dvecprop.tile=RxV}, {@code -Dvecprop.kc}, {@code -Dvecprop.mc}, {@code -Dvecprop.nc}.
 *
 * <p>Cache blocks: the {@code MR x KC} A micro-panel and a {@code KC x NR} B micro-panel are meant for
 * the L1d (the AVX2 4x2 default lets B's overflow to L2: see the KC default), the {@code MC x KC}
 * packed A block the L2, the {@code KC x NC} packed B block L2 or L3.
 * Which micro-panel stays in L1 depends on C's layout: a row-major C is swept along its rows (the A
 * micro-panel stays, B panels stream), a panel-layout C down its columns (the B micro-panel stays).
 */
public final class GemmTiling {
    private GemmTiling() {}

    /** Tiles that have a vector micro-kernel. */
    public static final List<String> VECTOR_TILES = Tuning.TILES;

    /** Rows of the register tile (rows of C per micro-kernel call). */
    public static final int MR;
    /** Accumulator vectors per row (1 on the scalar path). */
    public static final int NV;
    /** Columns of the register tile: {@code NV * lanes} (8 on the scalar path). */
    public static final int NR;
    /** Depth of one K block. */
    public static final int KC;
    /** Rows of one packed A block (a multiple of MR). */
    public static final int MC;
    /** Columns of one packed B block (a multiple of NR). */
    public static final int NC;
    /** Where the tile shape came from. */
    public static final String SOURCE;

    static {
        String tile = Tuning.TILE;
        int mr;
        int nv;
        String source;
        if (!Simd.ENABLED) {
            mr = 4;
            nv = 1;
            source = "scalar";
        } else if (tile != null) {
            String[] p = tile.split("x");
            mr = Integer.parseInt(p[0]);
            nv = Integer.parseInt(p[1]);
            source = "-D" + Tuning.TILE_PROP;
        } else if (Simd.REGISTERS >= 32) {
            mr = 6;
            nv = 2;
            source = "default for 32 registers";
        } else {
            mr = 4;
            nv = 2;
            source = "default for 16 registers";
        }
        MR = mr;
        NV = nv;
        NR = Simd.ENABLED ? nv * Simd.LANES : 8;
        // The 4x2 tile of 16-register machines (AVX2) takes K in blocks of up to 800, so that the
        // MLP's K of 784 is one block, though an 800 x 16 B micro-panel (51 KB) no longer fits L1d:
        // fewer passes over C and longer register-tile runs outweigh streaming it from L2 (paired A/B
        // against 256 and 400; figures in docs/history/javadoc-measurements.md). Other tiles keep 256:
        // the larger block was tried with this tile only.
        int defaultKc = Simd.ENABLED && mr == 4 && nv == 2 && NR == 16 ? 800 : 256;
        KC = Tuning.KC > 0 ? Tuning.KC : defaultKc;
        MC = Math.max(MR, Tuning.MC / MR * MR);
        NC = Math.max(NR, Tuning.NC / NR * NR);
        SOURCE = source;
    }

    /** e.g. {@code "6x2 (MR=6, NR=32; default for 32 registers), KC=256 MC=144 NC=4096"}. */
    public static String describe() {
        return MR + "x" + NV + " (MR=" + MR + ", NR=" + NR + "; " + SOURCE + "), KC=" + KC
                + " MC=" + MC + " NC=" + NC;
    }
}
