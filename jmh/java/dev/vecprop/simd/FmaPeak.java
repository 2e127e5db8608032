package dev.vecprop.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The machine's practical fp32 FMA peak from Java: independent {@code fma} chains on the species in
 * use (12 or 16: more than FMA latency x throughput on current x86 and ARM cores, without spilling),
 * each chain accumulating into the FMA's addend as the GEMM micro-kernel does ({@code acc = a.fma(b, acc)};
 * the multiplicand form {@code c = c.fma(m, d)} runs slower on some cores and would understate the peak).
 * Every GEMM figure is reported as a fraction of this, measured in the same run.
 */
public final class FmaPeak {
    private FmaPeak() {}

    private static final VectorSpecies<Float> S = FloatSpecies.SPECIES;

    /** Independent chains: 16 with 32 vector registers, 12 with 16 (16 chains + 2 operands would spill). */
    public static final int CHAINS = Simd.REGISTERS >= 32 ? 16 : 12;

    /** Floating-point operations done by one {@link #run} of {@code iters} iterations. */
    public static long flops(long iters) {
        return iters * CHAINS * 2L * S.length();
    }

    /** Runs {@code iters} steps of {@link #CHAINS} independent FMA chains; returns a value to keep the work alive. */
    public static float run(int iters, float seed) {
        return CHAINS == 16 ? run16(iters, seed) : run12(iters, seed);
    }

    private static float run16(int iters, float seed) {
        FloatVector m = FloatVector.broadcast(S, 1e-7f);
        FloatVector d = FloatVector.broadcast(S, 0.999999f);
        FloatVector c0 = FloatVector.broadcast(S, seed);
        FloatVector c1 = c0.add(1);
        FloatVector c2 = c0.add(2);
        FloatVector c3 = c0.add(3);
        FloatVector c4 = c0.add(4);
        FloatVector c5 = c0.add(5);
        FloatVector c6 = c0.add(6);
        FloatVector c7 = c0.add(7);
        FloatVector c8 = c0.add(8);
        FloatVector c9 = c0.add(9);
        FloatVector c10 = c0.add(10);
        FloatVector c11 = c0.add(11);
        FloatVector c12 = c0.add(12);
        FloatVector c13 = c0.add(13);
        FloatVector c14 = c0.add(14);
        FloatVector c15 = c0.add(15);
        for (int i = 0; i < iters; i++) {
            c0 = m.fma(d, c0);
            c1 = m.fma(d, c1);
            c2 = m.fma(d, c2);
            c3 = m.fma(d, c3);
            c4 = m.fma(d, c4);
            c5 = m.fma(d, c5);
            c6 = m.fma(d, c6);
            c7 = m.fma(d, c7);
            c8 = m.fma(d, c8);
            c9 = m.fma(d, c9);
            c10 = m.fma(d, c10);
            c11 = m.fma(d, c11);
            c12 = m.fma(d, c12);
            c13 = m.fma(d, c13);
            c14 = m.fma(d, c14);
            c15 = m.fma(d, c15);
        }
        FloatVector s = c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11).add(c12).add(c13).add(c14).add(c15);
        return s.lane(0);
    }

    private static float run12(int iters, float seed) {
        FloatVector m = FloatVector.broadcast(S, 1e-7f);
        FloatVector d = FloatVector.broadcast(S, 0.999999f);
        FloatVector c0 = FloatVector.broadcast(S, seed);
        FloatVector c1 = c0.add(1);
        FloatVector c2 = c0.add(2);
        FloatVector c3 = c0.add(3);
        FloatVector c4 = c0.add(4);
        FloatVector c5 = c0.add(5);
        FloatVector c6 = c0.add(6);
        FloatVector c7 = c0.add(7);
        FloatVector c8 = c0.add(8);
        FloatVector c9 = c0.add(9);
        FloatVector c10 = c0.add(10);
        FloatVector c11 = c0.add(11);
        for (int i = 0; i < iters; i++) {
            c0 = m.fma(d, c0);
            c1 = m.fma(d, c1);
            c2 = m.fma(d, c2);
            c3 = m.fma(d, c3);
            c4 = m.fma(d, c4);
            c5 = m.fma(d, c5);
            c6 = m.fma(d, c6);
            c7 = m.fma(d, c7);
            c8 = m.fma(d, c8);
            c9 = m.fma(d, c9);
            c10 = m.fma(d, c10);
            c11 = m.fma(d, c11);
        }
        FloatVector s = c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11);
        return s.lane(0);
    }
}
