package dev.vecprop.kernel;

import dev.vecprop.simd.FloatSpecies;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/** Vector body of {@link NonzeroColumns}; loaded only when the Vector API is enabled. */
final class NonzeroColumnsVector {
    private NonzeroColumnsVector() {}

    private static final VectorSpecies<Float> F = FloatSpecies.SPECIES;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    private static final int L = F.length();

    /** Same result as {@link NonzeroColumnsRef#orRows}: the first row stores, the others OR in. */
    static void orRows(float[] a, int off, int rows, int cols, int ld, int[] bits) {
        if (rows == 0) {
            java.util.Arrays.fill(bits, 0, cols, 0);
            return;
        }
        int vcols = cols / L * L;
        for (int c = 0; c < vcols; c += L) {
            FloatVector.fromArray(F, a, off + c).reinterpretAsInts().intoArray(bits, c);
        }
        for (int c = vcols; c < cols; c++) {
            bits[c] = Float.floatToRawIntBits(a[off + c]);
        }
        for (int r = 1; r < rows; r++) {
            int ro = off + r * ld;
            for (int c = 0; c < vcols; c += L) {
                IntVector.fromArray(I, bits, c).or(FloatVector.fromArray(F, a, ro + c).reinterpretAsInts())
                        .intoArray(bits, c);
            }
            for (int c = vcols; c < cols; c++) {
                bits[c] |= Float.floatToRawIntBits(a[ro + c]);
            }
        }
    }
}
