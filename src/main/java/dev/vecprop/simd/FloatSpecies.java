package dev.vecprop.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one {@code static final} float species every vector kernel uses. Only loaded when
 * {@link Simd#ENABLED}; kernels must copy it into their own {@code static final} field or a local:
 * C2 compiles vector operations to vector instructions only for a species it sees as a constant,
 * and through a non-final field they run many times slower.
 */
public final class FloatSpecies {
    private FloatSpecies() {}

    /** The species for {@link Simd#VECTOR_BITS} (never read while Simd initialises). */
    public static final VectorSpecies<Float> SPECIES = Simd.ENABLED
            ? VectorSpecies.of(float.class, VectorShape.forBitSize(Simd.VECTOR_BITS))
            : FloatVector.SPECIES_128;
}
