package dev.vecprop.kernel;

import dev.vecprop.simd.FloatSpecies;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector bodies of {@link RecurrentCells}; tails go through scalar code of the same meaning.
 * Loaded only when enabled.
 *
 * <p>Each kernel is a few flat passes over the sample's row (a few KB, in L1), every loop body
 * written out with no vector-typed helper call: a helper C2 does not inline boxes its vectors,
 * which would allocate in the hot path. The exponential is Cephes' expf in plain lanewise
 * arithmetic (x = k ln2 + r, e^r by a degree-7 polynomial, 2^k through the exponent bits) rather
 * than the EXP/TANH operators, whose interpreted fallback and C2 code round differently: the
 * same bits whatever the JIT tier, so runs are reproducible.
 */
final class RecurrentCellsVector {
    private RecurrentCellsVector() {}

    private static final VectorSpecies<Float> S = FloatSpecies.SPECIES;
    private static final int L = S.length();

    private static final float EXP_HI = 88.0f;
    private static final float EXP_LO = -87.0f;
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float ROUND = 12582912f; // 1.5 * 2^23: adding it rounds to an integer
    private static final int ROUND_BITS = 0x4B400000;
    private static final float P0 = 1.9875691500e-4f;
    private static final float P1 = 1.3981999507e-3f;
    private static final float P2 = 8.3334519073e-3f;
    private static final float P3 = 4.1665795894e-2f;
    private static final float P4 = 1.6666665459e-1f;
    private static final float P5 = 5.0000001201e-1f;

    /** {@code a[i] = σ(a[i])}, as {@link ActivationsRef#sigmoid(float)}: 1/(1+e^-|v|) or e^-|v|/(1+e^-|v|). */
    static void sigmoidInPlace(float[] a, int off, int n) {
        int j = 0;
        for (; j <= n - L; j += L) {
            FloatVector v = FloatVector.fromArray(S, a, off + j);
            FloatVector x = v.abs().neg().max(EXP_LO);
            FloatVector t = x.mul(LOG2E).add(ROUND);
            FloatVector k = t.sub(ROUND);
            FloatVector r = x.sub(k.mul(LN2_HI)).sub(k.mul(LN2_LO));
            FloatVector p = r.mul(P0).add(P1).mul(r).add(P2).mul(r).add(P3).mul(r).add(P4).mul(r).add(P5);
            p = p.mul(r.mul(r)).add(r).add(1f);
            IntVector ki = t.viewAsIntegralLanes().sub(ROUND_BITS);
            FloatVector e = p.mul(ki.add(127).lanewise(VectorOperators.LSHL, 23).viewAsFloatingLanes());
            FloatVector den = e.add(1f);
            FloatVector one = FloatVector.broadcast(S, 1f);
            e.div(den).blend(one.div(den), v.compare(VectorOperators.GE, 0f)).intoArray(a, off + j);
        }
        for (; j < n; j++) {
            a[off + j] = RecurrentCellsRef.sigmoid(a[off + j]);
        }
    }

    /** {@code a[i] = tanh(a[i]) = sign (1 - e^-2|v|) / (1 + e^-2|v|)}. */
    static void tanhInPlace(float[] a, int off, int n) {
        int j = 0;
        for (; j <= n - L; j += L) {
            FloatVector v = FloatVector.fromArray(S, a, off + j);
            FloatVector x = v.abs().mul(-2f).max(EXP_LO);
            FloatVector t = x.mul(LOG2E).add(ROUND);
            FloatVector k = t.sub(ROUND);
            FloatVector r = x.sub(k.mul(LN2_HI)).sub(k.mul(LN2_LO));
            FloatVector p = r.mul(P0).add(P1).mul(r).add(P2).mul(r).add(P3).mul(r).add(P4).mul(r).add(P5);
            p = p.mul(r.mul(r)).add(r).add(1f);
            IntVector ki = t.viewAsIntegralLanes().sub(ROUND_BITS);
            FloatVector e = p.mul(ki.add(127).lanewise(VectorOperators.LSHL, 23).viewAsFloatingLanes());
            FloatVector th = e.neg().add(1f).div(e.add(1f));
            th.blend(th.neg(), v.compare(VectorOperators.LT, 0f)).intoArray(a, off + j);
        }
        for (; j < n; j++) {
            a[off + j] = RecurrentCellsRef.tanh(a[off + j]);
        }
    }

    static void lstmForward(float[] g, int go, float[] b, int bih, int bhh, float[] c, int cp, int co,
                            float[] tc, int tco, float[] h, int ho, int n) {
        int m = 4 * n;
        int j = 0;
        for (; j <= m - L; j += L) { // pre-activations + both biases
            FloatVector.fromArray(S, g, go + j).add(FloatVector.fromArray(S, b, bih + j))
                    .add(FloatVector.fromArray(S, b, bhh + j)).intoArray(g, go + j);
        }
        for (; j < m; j++) {
            g[go + j] = g[go + j] + b[bih + j] + b[bhh + j];
        }
        sigmoidInPlace(g, go, 2 * n);          // i, f
        tanhInPlace(g, go + 2 * n, n);         // g
        sigmoidInPlace(g, go + 3 * n, n);      // o
        j = 0;
        for (; j <= n - L; j += L) {           // c = f c_prev + i g
            FloatVector cn = FloatVector.fromArray(S, g, go + n + j).mul(FloatVector.fromArray(S, c, cp + j))
                    .add(FloatVector.fromArray(S, g, go + j).mul(FloatVector.fromArray(S, g, go + 2 * n + j)));
            cn.intoArray(c, co + j);
            cn.intoArray(tc, tco + j);
        }
        for (; j < n; j++) {
            float cn = g[go + n + j] * c[cp + j] + g[go + j] * g[go + 2 * n + j];
            c[co + j] = cn;
            tc[tco + j] = cn;
        }
        tanhInPlace(tc, tco, n);
        j = 0;
        for (; j <= n - L; j += L) {           // h = o tanh(c)
            FloatVector.fromArray(S, g, go + 3 * n + j).mul(FloatVector.fromArray(S, tc, tco + j)).intoArray(h, ho + j);
        }
        for (; j < n; j++) {
            h[ho + j] = g[go + 3 * n + j] * tc[tco + j];
        }
    }

    static void lstmBackward(float[] g, int go, float[] c, int cp, float[] tc, int tco, float[] dh, int dho,
                             float[] dc, int dco, int n) {
        int j = 0;
        for (; j <= n - L; j += L) {
            FloatVector i = FloatVector.fromArray(S, g, go + j);
            FloatVector f = FloatVector.fromArray(S, g, go + n + j);
            FloatVector gg = FloatVector.fromArray(S, g, go + 2 * n + j);
            FloatVector o = FloatVector.fromArray(S, g, go + 3 * n + j);
            FloatVector t = FloatVector.fromArray(S, tc, tco + j);
            FloatVector d = FloatVector.fromArray(S, dh, dho + j);
            FloatVector dct = d.mul(o).mul(t.mul(t).neg().add(1f)).add(FloatVector.fromArray(S, dc, dco + j));
            dct.mul(gg).mul(i).mul(i.neg().add(1f)).intoArray(g, go + j);
            dct.mul(FloatVector.fromArray(S, c, cp + j)).mul(f).mul(f.neg().add(1f)).intoArray(g, go + n + j);
            dct.mul(i).mul(gg.mul(gg).neg().add(1f)).intoArray(g, go + 2 * n + j);
            d.mul(t).mul(o).mul(o.neg().add(1f)).intoArray(g, go + 3 * n + j);
            dct.mul(f).intoArray(dc, dco + j);
        }
        RecurrentCellsRef.lstmBackward(g, go, c, cp, tc, tco, dh, dho, dc, dco, n, j);
    }

    static void gruForward(float[] gx, int gxo, float[] gh, int gho, float[] b, int bih, int bhh,
                           float[] hn, int hno, float[] h, int hp, int ho, int n) {
        int m = 2 * n;
        int j = 0;
        for (; j <= m - L; j += L) { // r, z pre-activations
            FloatVector.fromArray(S, gx, gxo + j).add(FloatVector.fromArray(S, b, bih + j))
                    .add(FloatVector.fromArray(S, gh, gho + j)).add(FloatVector.fromArray(S, b, bhh + j))
                    .intoArray(gx, gxo + j);
        }
        for (; j < m; j++) {
            gx[gxo + j] = gx[gxo + j] + b[bih + j] + gh[gho + j] + b[bhh + j];
        }
        sigmoidInPlace(gx, gxo, m);
        j = 0;
        for (; j <= n - L; j += L) { // h_n + b_hn; n pre-activation
            FloatVector hv = FloatVector.fromArray(S, gh, gho + m + j).add(FloatVector.fromArray(S, b, bhh + m + j));
            hv.intoArray(hn, hno + j);
            FloatVector.fromArray(S, gx, gxo + m + j).add(FloatVector.fromArray(S, b, bih + m + j))
                    .add(FloatVector.fromArray(S, gx, gxo + j).mul(hv)).intoArray(gx, gxo + m + j);
        }
        for (; j < n; j++) {
            float hv = gh[gho + m + j] + b[bhh + m + j];
            hn[hno + j] = hv;
            gx[gxo + m + j] = gx[gxo + m + j] + b[bih + m + j] + gx[gxo + j] * hv;
        }
        tanhInPlace(gx, gxo + m, n);
        j = 0;
        for (; j <= n - L; j += L) { // h' = (1 - z) n + z h
            FloatVector z = FloatVector.fromArray(S, gx, gxo + n + j);
            z.neg().add(1f).mul(FloatVector.fromArray(S, gx, gxo + m + j)).add(z.mul(FloatVector.fromArray(S, h, hp + j)))
                    .intoArray(h, ho + j);
        }
        for (; j < n; j++) {
            float z = gx[gxo + n + j];
            h[ho + j] = (1f - z) * gx[gxo + m + j] + z * h[hp + j];
        }
    }

    static void gruBackward(float[] gx, int gxo, float[] gh, int gho, float[] hn, int hno, float[] h, int hp,
                            float[] dh, int dho, float[] dhp, int dhpo, int n) {
        int j = 0;
        for (; j <= n - L; j += L) {
            FloatVector r = FloatVector.fromArray(S, gx, gxo + j);
            FloatVector z = FloatVector.fromArray(S, gx, gxo + n + j);
            FloatVector nn = FloatVector.fromArray(S, gx, gxo + 2 * n + j);
            FloatVector d = FloatVector.fromArray(S, dh, dho + j);
            FloatVector dan = d.mul(z.neg().add(1f)).mul(nn.mul(nn).neg().add(1f));
            FloatVector dar = dan.mul(FloatVector.fromArray(S, hn, hno + j)).mul(r).mul(r.neg().add(1f));
            FloatVector daz = d.mul(FloatVector.fromArray(S, h, hp + j).sub(nn)).mul(z).mul(z.neg().add(1f));
            dar.intoArray(gx, gxo + j);
            daz.intoArray(gx, gxo + n + j);
            dan.intoArray(gx, gxo + 2 * n + j);
            dar.intoArray(gh, gho + j);
            daz.intoArray(gh, gho + n + j);
            dan.mul(r).intoArray(gh, gho + 2 * n + j);
            FloatVector.fromArray(S, dhp, dhpo + j).add(d.mul(z)).intoArray(dhp, dhpo + j);
        }
        RecurrentCellsRef.gruBackward(gx, gxo, gh, gho, hn, hno, h, hp, dh, dho, dhp, dhpo, n, j);
    }
}
