package dev.vecprop.kernel;

import dev.vecprop.simd.FloatSpecies;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vector body of {@link TileNonzeros}: ORs the float bits of a band's rows, sign bit dropped. */
final class TileNonzerosVector {
    private TileNonzerosVector() {}

    private static final VectorSpecies<Float> F = FloatSpecies.SPECIES;
    private static final int L = F.length();

    static long count(float[] a, int off, int rows, int cols, int ld) {
        long n = 0;
        int vcols = cols / L * L;
        for (int r0 = 0; r0 < rows; r0 += TileNonzeros.BAND) {
            int r1 = Math.min(rows, r0 + TileNonzeros.BAND);
            int base = off + r0 * ld;
            for (int c = 0; c < vcols; c += L) {
                IntVector bits = FloatVector.fromArray(F, a, base + c).reinterpretAsInts();
                for (int r = r0 + 1; r < r1; r++) {
                    bits = bits.or(FloatVector.fromArray(F, a, off + r * ld + c).reinterpretAsInts());
                }
                n += bits.and(0x7fffffff).compare(VectorOperators.NE, 0).trueCount();
            }
            if (vcols < cols) {
                n += TileNonzerosRef.count(a, base + vcols, r1 - r0, cols - vcols, ld);
            }
        }
        return n;
    }
}
