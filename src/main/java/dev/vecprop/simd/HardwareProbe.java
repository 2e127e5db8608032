package dev.vecprop.simd;

import jdk.incubator.vector.FloatVector;

/**
 * Asks the Vector API for the hardware's preferred width. A class of its own so that {@link Simd}'s
 * initialisation never loads {@link FloatSpecies} (whose species depends on Simd's result).
 */
final class HardwareProbe {
    private HardwareProbe() {}

    static int preferredBits() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize();
    }
}
