package dev.vecprop.layer;

import dev.vecprop.kernel.Activations;
import dev.vecprop.kernel.Epilogue;
import dev.vecprop.kernel.Layout;
import dev.vecprop.kernel.Panels;
import dev.vecprop.kernel.RecurrentCells;
import dev.vecprop.kernel.Sgemm;

import java.util.Arrays;

/**
 * A stack of gated recurrent unit layers over batch-first sequences, as PyTorch's
 * {@code nn.GRU(input, hidden, num_layers, batch_first=True)} with a zero initial state:
 * <pre>
 *   r = σ(x W_ir^T + b_ir + h W_hr^T + b_hr)     z = σ(x W_iz^T + b_iz + h W_hz^T + b_hz)
 *   n = tanh(x W_in^T + b_in + r (h W_hn^T + b_hn))
 *   h' = (1 - z) n + z h
 * </pre>
 * Tensors per layer l, named and laid out as {@code nn.GRU}'s state_dict (gate blocks r, z, n):
 * {@code weight_ih_l{l} [3H, I_l]}, {@code weight_hh_l{l} [3H, H]}, {@code bias_ih_l{l} [3H]},
 * {@code bias_hh_l{l} [3H]}. Because r multiplies the recurrent part of n, each step's recurrent
 * product is kept apart from the input projections. Input {@code (T, I)}; output {@code (T, H)} or
 * {@code (H)}, as {@link LSTM}; see {@link RecurrentLayer} for the data flow and variable lengths.
 */
public final class GRU extends RecurrentLayer {

    /**
     * Creates a one-layer GRU that returns its last hidden state.
     *
     * @param inputSize the input features I per time step
     * @param hidden    the hidden features H
     * @throws dev.vecprop.ConfigException if a size is not positive
     */
    public GRU(int inputSize, int hidden) {
        this(inputSize, hidden, 1, false);
    }

    /**
     * Creates a GRU.
     *
     * @param inputSize the input features I per time step
     * @param hidden    the hidden features H
     * @param layers    the number of stacked layers
     * @param sequences true to return every time step's hidden state {@code (T, H)}, false for the last one {@code (H)}
     * @throws dev.vecprop.ConfigException if a size or the number of layers is not positive
     */
    public GRU(int inputSize, int hidden, int layers, boolean sequences) {
        super("GRU", inputSize, hidden, layers, sequences, 3);
    }

    @Override
    String type() {
        return "GRU";
    }

    /** {@code h W_hn^T + b_hn} of every step, (T·B·H), which the backward of r needs. */
    @Override
    int stateSize(int batch) {
        return steps * batch * hidden;
    }

    /** The step's recurrent projections (B·G), then their gradients over the sequence (T·B·G). */
    @Override
    int cellScratchSize(int batch) {
        return batch * g + steps * batch * g;
    }

    @Override
    void recurrentForward(Context ctx, float[] ws, int wo, int batch, int l, int t) {
        int gh = scratchOff(wo, batch);
        if (t == 0) { // h0 = 0
            Arrays.fill(ws, gh, gh + batch * g, 0f);
            return;
        }
        int H = hidden;
        Sgemm.sgemm(batch, g, H, ws, hsOff(wo, batch, l) + t * batch * H, H, Layout.ROW_MAJOR, w, whh[l],
                Panels.stride(H), Layout.PANELS, 0f, ws, gh, g, Layout.ROW_MAJOR, Epilogue.NONE, ctx.pool());
    }

    @Override
    void cellForward(float[] ws, int wo, int batch, int l, int t, int from, int to) {
        int H = hidden;
        int go = gatesOff(wo, batch, l) + t * batch * g;
        int hs = hsOff(wo, batch, l);
        int hn = stateOff(wo, batch, l) + t * batch * H;
        int gh = scratchOff(wo, batch);
        for (int b = from; b < to; b++) {
            int prev = (t * batch + b) * H;
            int next = ((t + 1) * batch + b) * H;
            if (padded(ws, wo, b, t)) {
                System.arraycopy(ws, hs + prev, ws, hs + next, H);
            } else {
                RecurrentCells.gruForward(ws, go + b * g, ws, gh + b * g, w, bih[l], bhh[l], ws, hn + b * H,
                        ws, hs + prev, hs + next, H);
            }
        }
    }

    @Override
    void startBackward(float[] ws, int wo, int batch) {
    }

    @Override
    void cellBackward(float[] ws, int wo, int batch, int l, int t, int from, int to) {
        int H = hidden;
        int go = gatesOff(wo, batch, l) + t * batch * g;
        int rg = recurrentGradOff(ws, wo, batch, l) + t * batch * g;
        int hs = hsOff(wo, batch, l);
        int hn = stateOff(wo, batch, l) + t * batch * H;
        int d = dhsOff(wo, batch, l);
        for (int b = from; b < to; b++) {
            int prev = (t * batch + b) * H;
            int next = ((t + 1) * batch + b) * H;
            if (padded(ws, wo, b, t)) { // the state passed through: so does its gradient
                Arrays.fill(ws, go + b * g, go + (b + 1) * g, 0f);
                Arrays.fill(ws, rg + b * g, rg + (b + 1) * g, 0f);
                Activations.add(ws, d + prev, ws, d + next, ws, d + prev, H);
            } else {
                RecurrentCells.gruBackward(ws, go + b * g, ws, rg + b * g, ws, hn + b * H, ws, hs + prev,
                        ws, d + next, ws, d + prev, H);
            }
        }
    }

    @Override
    int recurrentGradOff(float[] ws, int wo, int batch, int l) {
        return scratchOff(wo, batch) + batch * g;
    }
}
