package dev.vecprop.layer;

import dev.vecprop.kernel.Activations;
import dev.vecprop.kernel.Epilogue;
import dev.vecprop.kernel.Layout;
import dev.vecprop.kernel.Panels;
import dev.vecprop.kernel.RecurrentCells;
import dev.vecprop.kernel.Sgemm;

import java.util.Arrays;

/**
 * A stack of long short-term memory layers over batch-first sequences, as PyTorch's
 * {@code nn.LSTM(input, hidden, num_layers, batch_first=True)} with zero initial states:
 * <pre>
 *   i = σ(x W_ii^T + b_ii + h W_hi^T + b_hi)     f = σ(x W_if^T + b_if + h W_hf^T + b_hf)
 *   g = tanh(x W_ig^T + b_ig + h W_hg^T + b_hg)  o = σ(x W_io^T + b_io + h W_ho^T + b_ho)
 *   c' = f c + i g                               h' = o tanh(c')
 * </pre>
 * Tensors per layer l, named and laid out as {@code nn.LSTM}'s state_dict (gate blocks i, f, g, o):
 * {@code weight_ih_l{l} [4H, I_l]}, {@code weight_hh_l{l} [4H, H]}, {@code bias_ih_l{l} [4H]},
 * {@code bias_hh_l{l} [4H]}. Input {@code (T, I)}; output {@code (T, H)} (every step of the last
 * layer) or {@code (H)} (its last hidden state, {@code output[:, -1]} in PyTorch, or the state at a
 * sample's last real step under a {@link Context#paddingMask(PaddingMask) padding mask}). See {@link RecurrentLayer} for the
 * data flow and the variable-length semantics.
 */
public final class LSTM extends RecurrentLayer {

    /**
     * Creates a one-layer LSTM that returns its last hidden state.
     *
     * @param inputSize the input features I per time step
     * @param hidden    the hidden features H
     * @throws dev.vecprop.ConfigException if a size is not positive
     */
    public LSTM(int inputSize, int hidden) {
        this(inputSize, hidden, 1, false);
    }

    /**
     * Creates an LSTM.
     *
     * @param inputSize the input features I per time step
     * @param hidden    the hidden features H
     * @param layers    the number of stacked layers
     * @param sequences true to return every time step's hidden state {@code (T, H)}, false for the last one {@code (H)}
     * @throws dev.vecprop.ConfigException if a size or the number of layers is not positive
     */
    public LSTM(int inputSize, int hidden, int layers, boolean sequences) {
        super("LSTM", inputSize, hidden, layers, sequences, 4);
    }

    @Override
    String type() {
        return "LSTM";
    }

    /** Cell states c, ((T+1)·B·H), slot 0 the initial zero state; then tanh(c) of every step (T·B·H). */
    @Override
    int stateSize(int batch) {
        return (2 * steps + 1) * batch * hidden;
    }

    private int tanhOff(int wo, int batch, int l) {
        return stateOff(wo, batch, l) + (steps + 1) * batch * hidden;
    }

    /** dL/dc carried from step to step, (B·H). */
    @Override
    int cellScratchSize(int batch) {
        return batch * hidden;
    }

    @Override
    void recurrentForward(Context ctx, float[] ws, int wo, int batch, int l, int t) {
        int H = hidden;
        if (t == 0) { // h0 = 0 adds nothing; c0 = 0
            int cs = stateOff(wo, batch, l);
            Arrays.fill(ws, cs, cs + batch * H, 0f);
            return;
        }
        Sgemm.sgemm(batch, g, H, ws, hsOff(wo, batch, l) + t * batch * H, H, Layout.ROW_MAJOR, w, whh[l],
                Panels.stride(H), Layout.PANELS, 1f, ws, gatesOff(wo, batch, l) + t * batch * g, g,
                Layout.ROW_MAJOR, Epilogue.NONE, ctx.pool());
    }

    @Override
    void cellForward(float[] ws, int wo, int batch, int l, int t, int from, int to) {
        int H = hidden;
        int go = gatesOff(wo, batch, l) + t * batch * g;
        int hs = hsOff(wo, batch, l);
        int cs = stateOff(wo, batch, l);
        int tc = tanhOff(wo, batch, l);
        for (int b = from; b < to; b++) {
            int prev = (t * batch + b) * H;
            int next = ((t + 1) * batch + b) * H;
            if (padded(ws, wo, b, t)) {
                System.arraycopy(ws, hs + prev, ws, hs + next, H);
                System.arraycopy(ws, cs + prev, ws, cs + next, H);
            } else {
                RecurrentCells.lstmForward(ws, go + b * g, w, bih[l], bhh[l], ws, cs + prev, cs + next,
                        ws, tc + prev, ws, hs + next, H);
            }
        }
    }

    @Override
    void startBackward(float[] ws, int wo, int batch) {
        int dc = scratchOff(wo, batch);
        Arrays.fill(ws, dc, dc + batch * hidden, 0f);
    }

    @Override
    void cellBackward(float[] ws, int wo, int batch, int l, int t, int from, int to) {
        int H = hidden;
        int go = gatesOff(wo, batch, l) + t * batch * g;
        int cs = stateOff(wo, batch, l);
        int tc = tanhOff(wo, batch, l);
        int d = dhsOff(wo, batch, l);
        int dc = scratchOff(wo, batch);
        for (int b = from; b < to; b++) {
            int prev = (t * batch + b) * H;
            int next = ((t + 1) * batch + b) * H;
            if (padded(ws, wo, b, t)) { // the state passed through: so does its gradient
                Arrays.fill(ws, go + b * g, go + (b + 1) * g, 0f);
                Activations.add(ws, d + prev, ws, d + next, ws, d + prev, H);
            } else {
                RecurrentCells.lstmBackward(ws, go + b * g, ws, cs + prev, ws, tc + prev, ws, d + next, ws, dc + b * H, H);
            }
        }
    }

    @Override
    int recurrentGradOff(float[] ws, int wo, int batch, int l) {
        return gatesOff(wo, batch, l);
    }
}
