package dev.vecprop.kernel;

import dev.vecprop.simd.FloatSpecies;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vector bodies of {@link RecurrentCells}; tails go through the scalar twin. Loaded only when enabled. */
final class RecurrentCellsVector {
    private RecurrentCellsVector() {}

    private static final VectorSpecies<Float> S = FloatSpecies.SPECIES;
    private static final int L = S.length();

    // exp by Cephes' expf: x = k ln2 + r, |r| <= ln2/2, e^r by a degree-7 polynomial, 2^k through the
    // exponent bits. Plain lanewise arithmetic only (no EXP/TANH intrinsics, whose interpreted fallback
    // and C2 code round differently): the same bits whatever the JIT tier, so runs are reproducible.
    private static final float EXP_HI = 88.0f;
    private static final float EXP_LO = -87.0f;
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float ROUND = 12582912f; // 1.5 * 2^23: adding it rounds to an integer
    private static final float P0 = 1.9875691500e-4f;
    private static final float P1 = 1.3981999507e-3f;
    private static final float P2 = 8.3334519073e-3f;
    private static final float P3 = 4.1665795894e-2f;
    private static final float P4 = 1.6666665459e-1f;
    private static final float P5 = 5.0000001201e-1f;

    /** e^v, relative error about 2e-7, for v in [-87, 88] (clamped outside). */
    static FloatVector exp(FloatVector v) {
        FloatVector x = v.max(EXP_LO).min(EXP_HI);
        FloatVector t = x.mul(LOG2E).add(ROUND);
        FloatVector k = t.sub(ROUND);
        FloatVector r = x.sub(k.mul(LN2_HI)).sub(k.mul(LN2_LO));
        FloatVector p = r.mul(P0).add(P1).mul(r).add(P2).mul(r).add(P3).mul(r).add(P4).mul(r).add(P5);
        p = p.mul(r.mul(r)).add(r).add(1f);
        // k as an int sits in the low mantissa bits of t; 2^k = (k + 127) << 23
        IntVector ki = t.viewAsIntegralLanes().reinterpretAsInts().sub(0x4B400000);
        FloatVector pow2 = ki.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(pow2);
    }

    /** σ(v) without overflow, as {@link ActivationsRef#sigmoid(float)}: 1/(1+e^-|v|) or e^-|v|/(1+e^-|v|). */
    static FloatVector sigmoid(FloatVector v) {
        FloatVector e = exp(v.abs().neg());
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector den = one.add(e);
        return e.div(den).blend(one.div(den), v.compare(VectorOperators.GE, 0f));
    }

    /** tanh(v) = sign(v) (1 - e^-2|v|) / (1 + e^-2|v|). */
    static FloatVector tanh(FloatVector v) {
        FloatVector e = exp(v.abs().mul(-2f));
        FloatVector t = e.neg().add(1f).div(e.add(1f));
        return t.blend(t.neg(), v.compare(VectorOperators.LT, 0f));
    }

    private static FloatVector at(float[] a, int off) {
        return FloatVector.fromArray(S, a, off);
    }

    static void lstmForward(float[] g, int go, float[] b, int bih, int bhh, float[] c, int cp, int co,
                            float[] h, int ho, int n) {
        int j = 0;
        for (; j <= n - L; j += L) {
            FloatVector i = sigmoid(at(g, go + j).add(at(b, bih + j)).add(at(b, bhh + j)));
            FloatVector f = sigmoid(at(g, go + n + j).add(at(b, bih + n + j)).add(at(b, bhh + n + j)));
            FloatVector gg = tanh(at(g, go + 2 * n + j).add(at(b, bih + 2 * n + j)).add(at(b, bhh + 2 * n + j)));
            FloatVector o = sigmoid(at(g, go + 3 * n + j).add(at(b, bih + 3 * n + j)).add(at(b, bhh + 3 * n + j)));
            FloatVector cn = f.mul(at(c, cp + j)).add(i.mul(gg));
            i.intoArray(g, go + j);
            f.intoArray(g, go + n + j);
            gg.intoArray(g, go + 2 * n + j);
            o.intoArray(g, go + 3 * n + j);
            cn.intoArray(c, co + j);
            o.mul(tanh(cn)).intoArray(h, ho + j);
        }
        RecurrentCellsRef.lstmForward(g, go, b, bih, bhh, c, cp, co, h, ho, n, j);
    }

    static void lstmBackward(float[] g, int go, float[] c, int cp, int co, float[] dh, int dho,
                             float[] dc, int dco, int n) {
        int j = 0;
        for (; j <= n - L; j += L) {
            FloatVector i = at(g, go + j);
            FloatVector f = at(g, go + n + j);
            FloatVector gg = at(g, go + 2 * n + j);
            FloatVector o = at(g, go + 3 * n + j);
            FloatVector tc = tanh(at(c, co + j));
            FloatVector d = at(dh, dho + j);
            FloatVector dct = d.mul(o).mul(tc.mul(tc).neg().add(1f)).add(at(dc, dco + j));
            dct.mul(gg).mul(i).mul(i.neg().add(1f)).intoArray(g, go + j);
            dct.mul(at(c, cp + j)).mul(f).mul(f.neg().add(1f)).intoArray(g, go + n + j);
            dct.mul(i).mul(gg.mul(gg).neg().add(1f)).intoArray(g, go + 2 * n + j);
            d.mul(tc).mul(o).mul(o.neg().add(1f)).intoArray(g, go + 3 * n + j);
            dct.mul(f).intoArray(dc, dco + j);
        }
        RecurrentCellsRef.lstmBackward(g, go, c, cp, co, dh, dho, dc, dco, n, j);
    }

    static void gruForward(float[] gx, int gxo, float[] gh, int gho, float[] b, int bih, int bhh,
                           float[] hn, int hno, float[] h, int hp, int ho, int n) {
        int j = 0;
        for (; j <= n - L; j += L) {
            FloatVector r = sigmoid(at(gx, gxo + j).add(at(b, bih + j)).add(at(gh, gho + j)).add(at(b, bhh + j)));
            FloatVector z = sigmoid(at(gx, gxo + n + j).add(at(b, bih + n + j)).add(at(gh, gho + n + j))
                    .add(at(b, bhh + n + j)));
            FloatVector hv = at(gh, gho + 2 * n + j).add(at(b, bhh + 2 * n + j));
            FloatVector nn = tanh(at(gx, gxo + 2 * n + j).add(at(b, bih + 2 * n + j)).add(r.mul(hv)));
            r.intoArray(gx, gxo + j);
            z.intoArray(gx, gxo + n + j);
            nn.intoArray(gx, gxo + 2 * n + j);
            hv.intoArray(hn, hno + j);
            z.neg().add(1f).mul(nn).add(z.mul(at(h, hp + j))).intoArray(h, ho + j);
        }
        RecurrentCellsRef.gruForward(gx, gxo, gh, gho, b, bih, bhh, hn, hno, h, hp, ho, n, j);
    }

    static void gruBackward(float[] gx, int gxo, float[] gh, int gho, float[] hn, int hno, float[] h, int hp,
                            float[] dh, int dho, float[] dhp, int dhpo, int n) {
        int j = 0;
        for (; j <= n - L; j += L) {
            FloatVector r = at(gx, gxo + j);
            FloatVector z = at(gx, gxo + n + j);
            FloatVector nn = at(gx, gxo + 2 * n + j);
            FloatVector d = at(dh, dho + j);
            FloatVector dan = d.mul(z.neg().add(1f)).mul(nn.mul(nn).neg().add(1f));
            FloatVector dar = dan.mul(at(hn, hno + j)).mul(r).mul(r.neg().add(1f));
            FloatVector daz = d.mul(at(h, hp + j).sub(nn)).mul(z).mul(z.neg().add(1f));
            dar.intoArray(gx, gxo + j);
            daz.intoArray(gx, gxo + n + j);
            dan.intoArray(gx, gxo + 2 * n + j);
            dar.intoArray(gh, gho + j);
            daz.intoArray(gh, gho + n + j);
            dan.mul(r).intoArray(gh, gho + 2 * n + j);
            at(dhp, dhpo + j).add(d.mul(z)).intoArray(dhp, dhpo + j);
        }
        RecurrentCellsRef.gruBackward(gx, gxo, gh, gho, hn, hno, h, hp, dh, dho, dhp, dhpo, n, j);
    }
}
