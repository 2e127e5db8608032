package dev.vecprop.kernel;

/**
 * Scalar twins of {@link RecurrentCells}: plain loops that define the LSTM and GRU cell updates of
 * one sample at one time step (PyTorch's {@code nn.LSTM} / {@code nn.GRU} equations, gate orders
 * i,f,g,o and r,z,n), used as the test oracle and as the path taken when the Vector API is off.
 * Every kernel works on elements {@code [from, n)} of a hidden state of {@code n} features, so the
 * vector bodies hand their tails here.
 */
public final class RecurrentCellsRef {
    private RecurrentCellsRef() {}

    static float sigmoid(float x) {
        return ActivationsRef.sigmoid(x);
    }

    static float tanh(float x) {
        return (float) Math.tanh(x);
    }

    /**
     * LSTM cell forward. {@code g[go .. go+4n)} holds the pre-activations {@code x W_ih^T + h W_hh^T}
     * of gates i,f,g,o (without biases); they are replaced by the activated gates
     * {@code i = σ(a_i + b), f = σ(a_f + b), g = tanh(a_g + b), o = σ(a_o + b)} with
     * {@code b = b_ih + b_hh}; then {@code c = f c_prev + i g} and {@code h = o tanh(c)}.
     *
     * @param g    gates of the sample, [4][n] from {@code go}; in: pre-activations, out: activations
     * @param b    the array holding both bias vectors (the parameter store's values)
     * @param bih  offset of {@code bias_ih [4n]} in {@code b}
     * @param bhh  offset of {@code bias_hh [4n]} in {@code b}
     * @param c    cell states; {@code c[cp ..]} the previous, {@code c[co ..]} receives the new one
     * @param tc   receives {@code tanh(c)} from {@code tc[tco]} (the backward reads it)
     * @param h    receives the new hidden state from {@code h[ho]}
     * @param n    hidden features H
     * @param from first feature to compute
     */
    public static void lstmForward(float[] g, int go, float[] b, int bih, int bhh, float[] c, int cp, int co,
                                   float[] tc, int tco, float[] h, int ho, int n, int from) {
        for (int j = from; j < n; j++) {
            float i = sigmoid(g[go + j] + b[bih + j] + b[bhh + j]);
            float f = sigmoid(g[go + n + j] + b[bih + n + j] + b[bhh + n + j]);
            float gg = tanh(g[go + 2 * n + j] + b[bih + 2 * n + j] + b[bhh + 2 * n + j]);
            float o = sigmoid(g[go + 3 * n + j] + b[bih + 3 * n + j] + b[bhh + 3 * n + j]);
            float cn = f * c[cp + j] + i * gg;
            g[go + j] = i;
            g[go + n + j] = f;
            g[go + 2 * n + j] = gg;
            g[go + 3 * n + j] = o;
            float t = tanh(cn);
            c[co + j] = cn;
            tc[tco + j] = t;
            h[ho + j] = o * t;
        }
    }

    /**
     * LSTM cell backward. In: the activated gates of the forward at {@code g[go ..]}, the previous cell
     * state at {@code c[cp ..]}, {@code tanh(c)} of this step at {@code tc[tco ..]}, dL/dh at {@code dh[dho ..]}
     * and dL/dc (from the next step) at {@code dc[dco ..]}. Out: {@code g} holds dL/d(pre-activation)
     * of the four gates and {@code dc} holds dL/dc_prev.
     *
     * @param g    gates of the sample, [4][n] from {@code go}; in: activations, out: their pre-activation gradients
     * @param c    the previous cell state from {@code cp}
     * @param tc   {@code tanh(c)} of this step from {@code tco}
     * @param dh   dL/dh of this step from {@code dho}
     * @param dc   in: dL/dc of this step, out: dL/dc of the previous step, from {@code dco}
     * @param n    hidden features H
     * @param from first feature to compute
     */
    public static void lstmBackward(float[] g, int go, float[] c, int cp, float[] tc, int tco, float[] dh, int dho,
                                    float[] dc, int dco, int n, int from) {
        for (int j = from; j < n; j++) {
            float i = g[go + j];
            float f = g[go + n + j];
            float gg = g[go + 2 * n + j];
            float o = g[go + 3 * n + j];
            float t = tc[tco + j];
            float d = dh[dho + j];
            float dct = d * o * (1f - t * t) + dc[dco + j];
            g[go + j] = dct * gg * i * (1f - i);
            g[go + n + j] = dct * c[cp + j] * f * (1f - f);
            g[go + 2 * n + j] = dct * i * (1f - gg * gg);
            g[go + 3 * n + j] = d * t * o * (1f - o);
            dc[dco + j] = dct * f;
        }
    }

    /**
     * GRU cell forward, as {@code nn.GRU}: {@code r = σ(x_r + b_ir + h_r + b_hr)},
     * {@code z = σ(x_z + b_iz + h_z + b_hz)}, {@code n = tanh(x_n + b_in + r (h_n + b_hn))},
     * {@code h' = (1 - z) n + z h}, where {@code x_* = x W_i*^T} (in {@code gx}) and
     * {@code h_* = h W_h*^T} (in {@code gh}).
     *
     * @param gx   input projections [3][n] from {@code gxo}; replaced by r, z, n
     * @param gh   recurrent projections [3][n] from {@code gho} (read only)
     * @param b    the array holding both bias vectors
     * @param bih  offset of {@code bias_ih [3n]} in {@code b}
     * @param bhh  offset of {@code bias_hh [3n]} in {@code b}
     * @param hn   receives {@code h_n + b_hn} (the backward needs it) from {@code hno}
     * @param h    hidden states: the previous at {@code h[hp ..]}, the new one written at {@code h[ho ..]}
     * @param n    hidden features H
     * @param from first feature to compute
     */
    public static void gruForward(float[] gx, int gxo, float[] gh, int gho, float[] b, int bih, int bhh,
                                  float[] hn, int hno, float[] h, int hp, int ho, int n, int from) {
        for (int j = from; j < n; j++) {
            float r = sigmoid(gx[gxo + j] + b[bih + j] + gh[gho + j] + b[bhh + j]);
            float z = sigmoid(gx[gxo + n + j] + b[bih + n + j] + gh[gho + n + j] + b[bhh + n + j]);
            float hv = gh[gho + 2 * n + j] + b[bhh + 2 * n + j];
            float nn = tanh(gx[gxo + 2 * n + j] + b[bih + 2 * n + j] + r * hv);
            gx[gxo + j] = r;
            gx[gxo + n + j] = z;
            gx[gxo + 2 * n + j] = nn;
            hn[hno + j] = hv;
            h[ho + j] = (1f - z) * nn + z * h[hp + j];
        }
    }

    /**
     * GRU cell backward. In: r, z, n of the forward at {@code gx[gxo ..]}, {@code h_n + b_hn} at
     * {@code hn[hno ..]}, the previous hidden state at {@code h[hp ..]}, dL/dh' at {@code dh[dho ..]}.
     * Out: {@code gx} holds dL/d(input projections) (r, z, n), {@code gh} dL/d(recurrent projections)
     * (r, z, n), and {@code dhp[dhpo ..]} gains the direct part {@code dh z} of dL/dh.
     *
     * @param gx   [3][n] from {@code gxo}; in: r, z, n, out: gradients of the input projections
     * @param gh   receives the gradients of the recurrent projections, [3][n] from {@code gho}
     * @param hn   {@code h_n + b_hn} of the forward from {@code hno}
     * @param h    the previous hidden state from {@code hp}
     * @param dh   dL/dh' from {@code dho}
     * @param dhp  dL/dh (previous state) from {@code dhpo}; the direct part is added
     * @param n    hidden features H
     * @param from first feature to compute
     */
    public static void gruBackward(float[] gx, int gxo, float[] gh, int gho, float[] hn, int hno, float[] h, int hp,
                                   float[] dh, int dho, float[] dhp, int dhpo, int n, int from) {
        for (int j = from; j < n; j++) {
            float r = gx[gxo + j];
            float z = gx[gxo + n + j];
            float nn = gx[gxo + 2 * n + j];
            float d = dh[dho + j];
            float dan = d * (1f - z) * (1f - nn * nn);
            float dar = dan * hn[hno + j] * r * (1f - r);
            float daz = d * (h[hp + j] - nn) * z * (1f - z);
            gx[gxo + j] = dar;
            gx[gxo + n + j] = daz;
            gx[gxo + 2 * n + j] = dan;
            gh[gho + j] = dar;
            gh[gho + n + j] = daz;
            gh[gho + 2 * n + j] = dan * r;
            dhp[dhpo + j] += d * z;
        }
    }
}
