package dev.vecprop.kernel;

import dev.vecprop.simd.FloatSpecies;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vector form of {@link DropoutMask}: the same 32-bit hash on L lanes (shifts, xors, 32-bit multiplies). */
final class DropoutMaskVector {
    private DropoutMaskVector() {}

    private static final VectorSpecies<Float> S = FloatSpecies.SPECIES;
    private static final VectorSpecies<Integer> I = S.withLanes(int.class);
    private static final int L = S.length();

    static void fill(long key, int first, float p, float scale, float[] mask, int mo, int n) {
        int lo = (int) key;
        int hi = (int) (key >>> 32);
        IntVector iota = IntVector.zero(I).addIndex(1);
        FloatVector keep = FloatVector.broadcast(S, scale);
        FloatVector drop = FloatVector.zero(S);
        int i = 0;
        for (; i + L <= n; i += L) {
            IntVector idx = iota.add(first + i);
            IntVector h = mix32(mix32(idx.mul(0x9E3779B9).add(lo)).lanewise(VectorOperators.XOR, hi));
            FloatVector u = ((FloatVector) h.lanewise(VectorOperators.LSHR, 8).convert(VectorOperators.I2F, 0))
                    .mul(0x1p-24f);
            keep.blend(drop, u.compare(VectorOperators.LT, p)).intoArray(mask, mo + i);
        }
        for (; i < n; i++) {
            mask[mo + i] = DropoutMaskRef.draw(lo, hi, first + i) < p ? 0f : scale;
        }
    }

    static void apply(long key, int first, float p, float scale, float[] x, int xo, float[] mask, int mo,
                      float[] y, int yo, int n) {
        int lo = (int) key;
        int hi = (int) (key >>> 32);
        IntVector iota = IntVector.zero(I).addIndex(1);
        FloatVector keep = FloatVector.broadcast(S, scale);
        FloatVector drop = FloatVector.zero(S);
        int i = 0;
        for (; i + L <= n; i += L) {
            IntVector idx = iota.add(first + i);
            IntVector h = mix32(mix32(idx.mul(0x9E3779B9).add(lo)).lanewise(VectorOperators.XOR, hi));
            FloatVector u = ((FloatVector) h.lanewise(VectorOperators.LSHR, 8).convert(VectorOperators.I2F, 0))
                    .mul(0x1p-24f);
            FloatVector m = keep.blend(drop, u.compare(VectorOperators.LT, p));
            m.intoArray(mask, mo + i);
            FloatVector.fromArray(S, x, xo + i).mul(m).intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            float m = DropoutMaskRef.draw(lo, hi, first + i) < p ? 0f : scale;
            mask[mo + i] = m;
            y[yo + i] = x[xo + i] * m;
        }
    }

    private static IntVector mix32(IntVector x) {
        x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 16));
        x = x.mul(0x7feb352d);
        x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 15));
        x = x.mul(0x846ca68b);
        return x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 16));
    }
}
