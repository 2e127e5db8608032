package dev.vecprop.kernel;

import dev.vecprop.simd.FloatSpecies;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector form of {@link MaxPool2x2}: L outputs at a time from two vectors of each input row, split
 * into even and odd columns by lane permutes and a blend; the comparisons are masks and blends, so
 * no branch depends on the data. A row's ragged end (all of a 12-column row at 16 lanes) takes masked
 * loads and stores.
 */
final class MaxPool2x2Vector {
    private MaxPool2x2Vector() {}

    private static final VectorSpecies<Float> S = FloatSpecies.SPECIES;
    private static final int L = S.length();
    private static final int H = L / 2;
    /** Even (odd) lanes of one vector into the low half, or into the high half. */
    private static final VectorShuffle<Float> EVEN_LO = VectorShuffle.fromOp(S, i -> i < H ? 2 * i : 0);
    private static final VectorShuffle<Float> EVEN_HI = VectorShuffle.fromOp(S, i -> i >= H ? 2 * (i - H) : 0);
    private static final VectorShuffle<Float> ODD_LO = VectorShuffle.fromOp(S, i -> i < H ? 2 * i + 1 : 1);
    private static final VectorShuffle<Float> ODD_HI = VectorShuffle.fromOp(S, i -> i >= H ? 2 * (i - H) + 1 : 1);
    private static final VectorMask<Float> HIGH = VectorMask.fromLong(S, ((1L << L) - 1) & ~((1L << H) - 1));
    /** 0, 2, 4, ...: the column of lane i's window, relative to the chunk. */
    private static final FloatVector COLS = FloatVector.fromArray(S, columns(), 0);

    private static float[] columns() {
        float[] c = new float[L];
        for (int i = 0; i < L; i++) {
            c[i] = 2 * i;
        }
        return c;
    }

    static void forward(float[] x, int xo, int planes, int h, int w, float[] y, int yo, float[] arg, int ao) {
        int oh = h / 2;
        int ow = w / 2;
        int full = ow - ow % L;
        VectorMask<Float> lo = S.indexInRange(2 * full, 2 * ow);
        VectorMask<Float> hi = S.indexInRange(2 * full + L, 2 * ow);
        VectorMask<Float> end = S.indexInRange(full, ow);
        for (int pl = 0; pl < planes; pl++) {
            int in = xo + pl * h * w;
            int out = pl * oh * ow;
            for (int p = 0; p < oh; p++) {
                int r0 = in + 2 * p * w;
                int r1 = r0 + w;
                int yrow = yo + out + p * ow;
                int arow = ao + out + p * ow;
                float rowBase = 2 * p * w;
                for (int q = 0; q < full; q += L) {
                    int col = 2 * q;
                    FloatVector lo0 = FloatVector.fromArray(S, x, r0 + col);
                    FloatVector hi0 = FloatVector.fromArray(S, x, r0 + col + L);
                    FloatVector lo1 = FloatVector.fromArray(S, x, r1 + col);
                    FloatVector hi1 = FloatVector.fromArray(S, x, r1 + col + L);
                    FloatVector a = lo0.rearrange(EVEN_LO).blend(hi0.rearrange(EVEN_HI), HIGH);
                    FloatVector b = lo0.rearrange(ODD_LO).blend(hi0.rearrange(ODD_HI), HIGH);
                    FloatVector c = lo1.rearrange(EVEN_LO).blend(hi1.rearrange(EVEN_HI), HIGH);
                    FloatVector d = lo1.rearrange(ODD_LO).blend(hi1.rearrange(ODD_HI), HIGH);
                    FloatVector at = COLS.add(rowBase + col);
                    FloatVector best = a;
                    FloatVector where = at;
                    VectorMask<Float> t = takes(b, best);
                    best = best.blend(b, t);
                    where = where.blend(at.add(1f), t);
                    t = takes(c, best);
                    best = best.blend(c, t);
                    where = where.blend(at.add(w), t);
                    t = takes(d, best);
                    best = best.blend(d, t);
                    where = where.blend(at.add(w + 1), t);
                    best.intoArray(y, yrow + q);
                    where.intoArray(arg, arow + q);
                }
                // The row's end: the same window with masked loads and stores, written out again (a
                // shared method taking the masks was not inlined and boxed them: several times slower).
                if (full < ow) {
                    int col = 2 * full;
                    FloatVector lo0 = FloatVector.fromArray(S, x, r0 + col, lo);
                    FloatVector hi0 = FloatVector.fromArray(S, x, r0 + col + L, hi);
                    FloatVector lo1 = FloatVector.fromArray(S, x, r1 + col, lo);
                    FloatVector hi1 = FloatVector.fromArray(S, x, r1 + col + L, hi);
                    FloatVector a = lo0.rearrange(EVEN_LO).blend(hi0.rearrange(EVEN_HI), HIGH);
                    FloatVector b = lo0.rearrange(ODD_LO).blend(hi0.rearrange(ODD_HI), HIGH);
                    FloatVector c = lo1.rearrange(EVEN_LO).blend(hi1.rearrange(EVEN_HI), HIGH);
                    FloatVector d = lo1.rearrange(ODD_LO).blend(hi1.rearrange(ODD_HI), HIGH);
                    FloatVector at = COLS.add(rowBase + col);
                    FloatVector best = a;
                    FloatVector where = at;
                    VectorMask<Float> t = takes(b, best);
                    best = best.blend(b, t);
                    where = where.blend(at.add(1f), t);
                    t = takes(c, best);
                    best = best.blend(c, t);
                    where = where.blend(at.add(w), t);
                    t = takes(d, best);
                    best = best.blend(d, t);
                    where = where.blend(at.add(w + 1), t);
                    best.intoArray(y, yrow + full, end);
                    where.intoArray(arg, arow + full, end);
                }
            }
        }
    }

    /** v replaces best: v > best, or v is NaN and best is not. */
    private static VectorMask<Float> takes(FloatVector v, FloatVector best) {
        // x != x is the NaN test
        return v.compare(VectorOperators.GT, best)
                .or(v.compare(VectorOperators.NE, v).andNot(best.compare(VectorOperators.NE, best)));
    }
}
