package dev.vecprop.kernel;

import dev.vecprop.simd.Simd;

/**
 * The elementwise halves of the LSTM and GRU cells for one sample at one time step (the matrix
 * products around them run through {@link Sgemm}): gate nonlinearities, cell and hidden state
 * updates, and their backward. Vector code when the Vector API is on, else the scalar twin
 * {@link RecurrentCellsRef}, which documents each kernel's arguments and defines its meaning.
 */
public final class RecurrentCells {
    private RecurrentCells() {}

    private static final boolean V = Simd.ENABLED;

    /** As {@link RecurrentCellsRef#lstmForward}, over all {@code n} features. */
    public static void lstmForward(float[] g, int go, float[] b, int bih, int bhh, float[] c, int cp, int co,
                                   float[] tc, int tco, float[] h, int ho, int n) {
        if (V) RecurrentCellsVector.lstmForward(g, go, b, bih, bhh, c, cp, co, tc, tco, h, ho, n);
        else RecurrentCellsRef.lstmForward(g, go, b, bih, bhh, c, cp, co, tc, tco, h, ho, n, 0);
    }

    /** As {@link RecurrentCellsRef#lstmBackward}, over all {@code n} features. */
    public static void lstmBackward(float[] g, int go, float[] c, int cp, float[] tc, int tco, float[] dh, int dho,
                                    float[] dc, int dco, int n) {
        if (V) RecurrentCellsVector.lstmBackward(g, go, c, cp, tc, tco, dh, dho, dc, dco, n);
        else RecurrentCellsRef.lstmBackward(g, go, c, cp, tc, tco, dh, dho, dc, dco, n, 0);
    }

    /** As {@link RecurrentCellsRef#gruForward}, over all {@code n} features. */
    public static void gruForward(float[] gx, int gxo, float[] gh, int gho, float[] b, int bih, int bhh,
                                  float[] hn, int hno, float[] h, int hp, int ho, int n) {
        if (V) RecurrentCellsVector.gruForward(gx, gxo, gh, gho, b, bih, bhh, hn, hno, h, hp, ho, n);
        else RecurrentCellsRef.gruForward(gx, gxo, gh, gho, b, bih, bhh, hn, hno, h, hp, ho, n, 0);
    }

    /** As {@link RecurrentCellsRef#gruBackward}, over all {@code n} features. */
    public static void gruBackward(float[] gx, int gxo, float[] gh, int gho, float[] hn, int hno, float[] h, int hp,
                                   float[] dh, int dho, float[] dhp, int dhpo, int n) {
        if (V) RecurrentCellsVector.gruBackward(gx, gxo, gh, gho, hn, hno, h, hp, dh, dho, dhp, dhpo, n);
        else RecurrentCellsRef.gruBackward(gx, gxo, gh, gho, hn, hno, h, hp, dh, dho, dhp, dhpo, n, 0);
    }
}
