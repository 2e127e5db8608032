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
 * no branch depends on the data. A row's ragged end takes masked loads and stores; rows of fewer
 * outputs than a vector (ConvNet's 12 columns at 16 lanes) go by column maxima and then pairs, or,
 * shorter still, by whole planes through gathers.
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

    /** Lane i takes lane i/2: one output's value for both columns of its window. */
    private static final VectorShuffle<Float> EXPAND = VectorShuffle.fromOp(S, i -> i / 2);
    /** 0, 1, 2, ...: a lane's column relative to the chunk. */
    private static final FloatVector IOTA = COLS.mul(0.5f);

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
        if (ow < L && 2 * ow >= L && oh * ow >= L) {
            forwardByColumns(x, xo, planes, h, w, y, yo, arg, ao);
            return;
        }
        if (ow < L) {
            forwardByPlane(x, xo, planes, h, w, y, yo, arg, ao);
            return;
        }
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

    /** A thread's column maxima of one plane: value and index, {@code oh x 2*ow}; grown when a plane needs more. */
    private static final class Columns {
        float[] v = new float[0];
        float[] at = new float[0];

        Columns of(int n) {
            if (v.length < n) {
                v = new float[n];
                at = new float[n];
            }
            return this;
        }
    }

    private static final ThreadLocal<Columns> COLUMNS = ThreadLocal.withInitial(Columns::new);

    /**
     * Rows shorter than a vector of outputs but not of inputs (ConvNet's 24 columns at 16 lanes), no
     * gathers: each window column's maximum of its two rows first (the top one on a tie, NaN first),
     * L columns at a time, the last L of a row overlapping, into a plane of {@code oh x 2*ow} in the
     * thread's scratch whose consecutive pairs are the windows in output order; then the pairs, L
     * outputs at a time across row ends (split into even and odd columns as in the row kernel), the
     * right column taking the window on a greater value, a NaN over a number, or a tie (equal, or both
     * NaN) with the smaller index — which is the twin's first maximum in row-major order.
     */
    private static void forwardByColumns(float[] x, int xo, int planes, int h, int w, float[] y, int yo, float[] arg,
                                         int ao) {
        int oh = h / 2;
        int ow = w / 2;
        int n = oh * ow;
        Columns cs = COLUMNS.get().of(4 * n);
        float[] cv = cs.v;
        float[] ca = cs.at;
        // plane pl's columns go to half pl % 2 of the scratch while the pairs of plane pl - 1 are read
        // from the other: read right after they were stored (by overlapping stores), they stalled on
        // store forwarding
        for (int pl = 0; pl <= planes; pl++) {
            if (pl < planes) {
                columns(x, xo + pl * h * w, oh, ow, w, cv, ca, (pl & 1) * 2 * n);
            }
            if (pl > 0) {
                int out = (pl - 1) * n;
                pairs(cv, ca, ((pl - 1) & 1) * 2 * n, n, y, yo + out, arg, ao + out);
            }
        }
    }

    /** One plane's column maxima (value and index) into {@code cv, ca} from {@code c}, {@code oh x 2*ow}. */
    private static void columns(float[] x, int in, int oh, int ow, int w, float[] cv, float[] ca, int c) {
        int cw = 2 * ow; // the window columns of a row (an odd width's last column is in none)
        int lastCol = cw - L;
        for (int p = 0; p < oh; p++) {
            int r0 = in + 2 * p * w;
            int c0 = c + p * cw;
            for (int k = 0; ; k += L) {
                int j = Math.min(k, lastCol);
                FloatVector top = FloatVector.fromArray(S, x, r0 + j);
                FloatVector bottom = FloatVector.fromArray(S, x, r0 + w + j);
                FloatVector at = IOTA.add(2 * p * w + j);
                // bottom replaces top: greater, or NaN over a number (written out: a helper taking
                // vectors was not inlined here and boxed them)
                VectorMask<Float> t = bottom.compare(VectorOperators.GT, top)
                        .or(bottom.compare(VectorOperators.NE, bottom).andNot(top.compare(VectorOperators.NE, top)));
                top.blend(bottom, t).intoArray(cv, c0 + j);
                at.blend(at.add(w), t).intoArray(ca, c0 + j);
                if (j == lastCol) {
                    break;
                }
            }
        }
    }

    /** The n windows of one plane from its column maxima at {@code cv, ca[c ..]}, to y and arg. */
    private static void pairs(float[] cv, float[] ca, int c, int n, float[] y, int yo, float[] arg, int ao) {
        int lastOut = n - L;
        for (int k = 0; ; k += L) {
            int m = Math.min(k, lastOut);
            FloatVector lo = FloatVector.fromArray(S, cv, c + 2 * m);
            FloatVector hi = FloatVector.fromArray(S, cv, c + 2 * m + L);
            FloatVector alo = FloatVector.fromArray(S, ca, c + 2 * m);
            FloatVector ahi = FloatVector.fromArray(S, ca, c + 2 * m + L);
            FloatVector left = lo.rearrange(EVEN_LO).blend(hi.rearrange(EVEN_HI), HIGH);
            FloatVector right = lo.rearrange(ODD_LO).blend(hi.rearrange(ODD_HI), HIGH);
            FloatVector atLeft = alo.rearrange(EVEN_LO).blend(ahi.rearrange(EVEN_HI), HIGH);
            FloatVector atRight = alo.rearrange(ODD_LO).blend(ahi.rearrange(ODD_HI), HIGH);
            VectorMask<Float> rightNaN = right.compare(VectorOperators.NE, right);
            VectorMask<Float> leftNaN = left.compare(VectorOperators.NE, left);
            VectorMask<Float> tie = right.compare(VectorOperators.EQ, left).or(rightNaN.and(leftNaN));
            VectorMask<Float> t = right.compare(VectorOperators.GT, left).or(rightNaN.andNot(leftNaN))
                    .or(tie.and(atRight.compare(VectorOperators.LT, atLeft)));
            left.blend(right, t).intoArray(y, yo + m);
            atLeft.blend(atRight, t).intoArray(arg, ao + m);
            if (m == lastOut) {
                break;
            }
        }
    }

    /** A plane's window corners: offset {@code 2p*w + 2q} of output {@code p*ow + q}, as int and as float; rebuilt when the size changes. */
    private static final class Corners {
        int h = -1;
        int w = -1;
        int[] at = new int[0];
        float[] where = new float[0];

        Corners of(int hh, int ww) {
            if (hh != h || ww != w) {
                int oh = hh / 2;
                int ow = ww / 2;
                at = new int[oh * ow];
                where = new float[oh * ow];
                for (int p = 0; p < oh; p++) {
                    for (int q = 0; q < ow; q++) {
                        at[p * ow + q] = 2 * p * ww + 2 * q;
                        where[p * ow + q] = 2 * p * ww + 2 * q;
                    }
                }
                h = hh;
                w = ww;
            }
            return this;
        }
    }

    private static final ThreadLocal<Corners> CORNERS = ThreadLocal.withInitial(Corners::new);

    /**
     * Rows shorter than a vector (ConvNet's 12 columns at 16 lanes): L consecutive outputs of the plane
     * at a time, across row ends, each window's four corners gathered through the corner table; the
     * plane's last outputs past a whole vector through the twin.
     */
    private static void forwardByPlane(float[] x, int xo, int planes, int h, int w, float[] y, int yo, float[] arg, int ao) {
        int ow = w / 2;
        int n = (h / 2) * ow;
        int full = n - n % L;
        Corners t = CORNERS.get().of(h, w);
        int[] at = t.at;
        float[] wh = t.where;
        for (int pl = 0; pl < planes; pl++) {
            int in = xo + pl * h * w;
            int out = pl * n;
            for (int m = 0; m < full; m += L) {
                FloatVector a = FloatVector.fromArray(S, x, in, at, m);
                FloatVector b = FloatVector.fromArray(S, x, in + 1, at, m);
                FloatVector c = FloatVector.fromArray(S, x, in + w, at, m);
                FloatVector d = FloatVector.fromArray(S, x, in + w + 1, at, m);
                FloatVector corner = FloatVector.fromArray(S, wh, m);
                FloatVector best = a;
                FloatVector where = corner;
                VectorMask<Float> k = takes(b, best);
                best = best.blend(b, k);
                where = where.blend(corner.add(1f), k);
                k = takes(c, best);
                best = best.blend(c, k);
                where = where.blend(corner.add(w), k);
                k = takes(d, best);
                best = best.blend(d, k);
                where = where.blend(corner.add(w + 1), k);
                best.intoArray(y, yo + out + m);
                where.intoArray(arg, ao + out + m);
            }
            for (int m = full; m < n; m++) {
                int p = m / ow;
                int q = m % ow;
                MaxPool2x2Ref.rows(x, in, w, p, q, q + 1, y, yo + out + p * ow, arg, ao + out + p * ow);
            }
        }
    }

    /**
     * Backward by input rows: L columns at a time (the last L of a row overlapping the one before,
     * so no store is masked), the outputs above them loaded whole and each spread over its window's
     * two columns by a lane permute; a column's gradient is {@code 0 + dy} where the argmax is that
     * column (and, with y, the pooled value is positive), else zero. Rows and columns outside every
     * window (odd sizes) get zero; rows shorter than a vector, and planes whose outputs end less than a
     * vector before an array's end, go through the twin by rows. (Masked loads and stores, or masks from
     * {@code indexInRange}, made this slower than the scalar scatter.)
     */
    static void backward(float[] dy, int dyo, float[] arg, int ao, float[] y, int yo, int planes, int h, int w,
                         float[] dx, int dxo) {
        if (w < L) {
            // rows narrower than a vector (LeNet's 8 x 8 planes): the twin's zero fill and scatter, one
            // pass over all planes, ~10x faster per element than the row-by-row fallback below
            MaxPool2x2Ref.backward(dy, dyo, arg, ao, y, yo, planes, h, w, dx, dxo);
            return;
        }
        int oh = h / 2;
        int ow = w / 2;
        int last = (w - L) & ~1; // the last chunk's first column
        int reach = (oh - 1) * ow + last / 2 + L; // outputs a plane's chunks load, from the plane's first
        for (int pl = 0; pl < planes; pl++) {
            int in = dxo + pl * h * w;
            int out = pl * oh * ow;
            boolean whole = w >= L && ao + out + reach <= arg.length && dyo + out + reach <= dy.length
                    && (y == null || yo + out + reach <= y.length);
            if (!whole) {
                for (int r = 0; r < 2 * oh; r++) {
                    int orow = out + (r / 2) * ow;
                    MaxPool2x2Ref.backwardRow(dy, dyo + orow, arg, ao + orow, y, yo + orow, ow, r, w, dx, in + r * w);
                }
            } else if (y == null) {
                plane(dy, dyo + out, arg, ao + out, oh, ow, last, w, dx, in);
            } else {
                planeMasked(dy, dyo + out, arg, ao + out, y, yo + out, oh, ow, last, w, dx, in);
            }
            java.util.Arrays.fill(dx, in + 2 * oh * w, in + h * w, 0f);
        }
    }

    /** One plane: outputs from dy[dyo] and arg[ao], gradients to dx[in ..]; each row's chunks at 0, L, .. and {@code last}. */
    private static void plane(float[] dy, int dyo, float[] arg, int ao, int oh, int ow, int last, int w,
                              float[] dx, int in) {
        FloatVector zero = FloatVector.zero(S);
        for (int r = 0; r < 2 * oh; r++) {
            int orow = (r >> 1) * ow;
            int xrow = in + r * w;
            float rowBase = r * w;
            for (int k = 0; ; k += L) {
                int j = Math.min(k, last);
                int o = orow + (j >> 1);
                FloatVector at = FloatVector.fromArray(S, arg, ao + o).rearrange(EXPAND);
                FloatVector g = FloatVector.fromArray(S, dy, dyo + o).rearrange(EXPAND);
                VectorMask<Float> hit = at.compare(VectorOperators.EQ, IOTA.add(rowBase + j));
                zero.blend(zero.add(g), hit).intoArray(dx, xrow + j);
                if (j == last) {
                    break;
                }
            }
            if ((w & 1) != 0) {
                dx[xrow + w - 1] = 0f;
            }
        }
    }

    /** {@link #plane} where the pooled output y is positive (a ReLU's mask), written out again (no merged masks). */
    private static void planeMasked(float[] dy, int dyo, float[] arg, int ao, float[] y, int yo, int oh, int ow,
                                    int last, int w, float[] dx, int in) {
        FloatVector zero = FloatVector.zero(S);
        for (int r = 0; r < 2 * oh; r++) {
            int orow = (r >> 1) * ow;
            int xrow = in + r * w;
            float rowBase = r * w;
            for (int k = 0; ; k += L) {
                int j = Math.min(k, last);
                int o = orow + (j >> 1);
                FloatVector at = FloatVector.fromArray(S, arg, ao + o).rearrange(EXPAND);
                FloatVector g = FloatVector.fromArray(S, dy, dyo + o).rearrange(EXPAND);
                FloatVector v = FloatVector.fromArray(S, y, yo + o).rearrange(EXPAND);
                VectorMask<Float> hit = at.compare(VectorOperators.EQ, IOTA.add(rowBase + j))
                        .and(v.compare(VectorOperators.GT, 0f));
                zero.blend(zero.add(g), hit).intoArray(dx, xrow + j);
                if (j == last) {
                    break;
                }
            }
            if ((w & 1) != 0) {
                dx[xrow + w - 1] = 0f;
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
