package dev.vecprop.kernel;

import dev.vecprop.simd.FloatSpecies;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/** Vector body of {@link ByteToFloat}; loaded only when the Vector API is enabled. */
final class ByteToFloatVector {
    private ByteToFloatVector() {}

    private static final VectorSpecies<Float> F = FloatSpecies.SPECIES;
    private static final int L = F.length();
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    /** Byte vectors of at least 64 bits holding whole groups of L bytes. */
    private static final VectorSpecies<Byte> B =
            VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, L * 8)));
    private static final int PARTS = B.length() / L;

    static void u8ToF32(MemorySegment src, long off, float[] dst, int dstOff, int n, float scale, float shift) {
        FloatVector sc = FloatVector.broadcast(F, scale);
        FloatVector sh = FloatVector.broadcast(F, shift);
        int step = B.length();
        int i = 0;
        for (; i <= n - step; i += step) {
            ByteVector b = ByteVector.fromMemorySegment(B, src, off + i, ByteOrder.LITTLE_ENDIAN);
            for (int p = 0; p < PARTS; p++) {
                IntVector iv = (IntVector) b.convertShape(VectorOperators.ZERO_EXTEND_B2I, I, p);
                FloatVector f = (FloatVector) iv.convert(VectorOperators.I2F, 0);
                f.fma(sc, sh).intoArray(dst, dstOff + i + p * L);
            }
        }
        ByteToFloatRef.u8ToF32(src, off + i, dst, dstOff + i, n - i, scale, shift);
    }
}
