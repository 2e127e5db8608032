package dev.vecprop.kernel;

import dev.vecprop.simd.FloatSpecies;
import dev.vecprop.simd.Simd;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The inputs of one row that are not zero, as a list of their indices: what the batch-1 kernels
 * ({@link PanelGemvVector}, {@link Int8GemmVector}) stream weights for (a blank MNIST pixel costs
 * nothing). {@link #scalar} is the plain twin: a branch-free compaction. With AVX-512 in the hardware
 * the vector form compresses a vector of indices per step ({@code vpcompressd}, one instruction);
 * elsewhere (no native compress) the scalar form runs. Both give the same list; {@code -0} counts as zero,
 * NaN as not.
 */
final class NonzeroInputs {
    private static final VectorSpecies<Float> S = FloatSpecies.SPECIES;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());
    private static final int L = S.length();
    /** A native compress instruction exists (AVX-512, which also serves 256-bit vectors). */
    static final boolean COMPRESS = Simd.ENABLED && Simd.MAX_BITS >= 512 && L >= 8;
    private static final int[] IOTA = new int[L];

    static {
        for (int i = 0; i < L; i++) {
            IOTA[i] = i;
        }
    }

    private NonzeroInputs() {}

    /** {@return the ints {@code keep} needs beyond the inputs: the vector form writes whole vectors} */
    static int slack() {
        return L;
    }

    /**
     * Indices {@code k} in {@code [k0, k1)} with {@code x[xOff + k] != 0}, in increasing order, into
     * {@code keep} (at least {@code k1 - k0 + slack()} long); their count.
     */
    static int kept(float[] x, int xOff, int k0, int k1, int[] keep) {
        return COMPRESS ? vector(x, xOff, k0, k1, keep) : scalar(x, xOff, k0, k1, keep);
    }

    static int vector(float[] x, int xOff, int k0, int k1, int[] keep) {
        int n = 0;
        int k = k0;
        IntVector iota = IntVector.fromArray(I, IOTA, 0);
        for (; k + L <= k1; k += L) {
            VectorMask<Float> nz = FloatVector.fromArray(S, x, xOff + k).compare(VectorOperators.NE, 0f);
            VectorMask<Integer> m = nz.cast(I);
            iota.add(k).compress(m).intoArray(keep, n);
            n += m.trueCount();
        }
        for (; k < k1; k++) {
            keep[n] = k;
            n += x[xOff + k] != 0f ? 1 : 0;
        }
        return n;
    }

    static int scalar(float[] x, int xOff, int k0, int k1, int[] keep) {
        int n = 0;
        for (int k = k0; k < k1; k++) {
            keep[n] = k;
            n += x[xOff + k] != 0f ? 1 : 0; // branch-free compaction: blank pixels are not predictable
        }
        return n;
    }
}
