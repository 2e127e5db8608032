package dev.vecprop.layer;

import dev.vecprop.ConfigException;
import dev.vecprop.kernel.Activations;
import dev.vecprop.kernel.Epilogue;
import dev.vecprop.kernel.Layout;
import dev.vecprop.kernel.Panels;
import dev.vecprop.kernel.Sgemm;
import dev.vecprop.tensor.Param;
import dev.vecprop.tensor.ParamSpec;
import dev.vecprop.tensor.ParameterStore;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What {@link LSTM} and {@link GRU} share: a stack of recurrent layers over batch-first sequences,
 * with PyTorch's tensors and initialisation, backpropagation through time, and variable lengths.
 *
 * <p>Shapes. A sample is a sequence {@code (T, I)}: T time steps of I features, row-major
 * (time-major inside the sample, as PyTorch's {@code batch_first=True}); the output is the whole
 * sequence of the last layer's hidden states {@code (T, H)} or only its last state {@code (H)}.
 *
 * <p>Data flow of layer l ({@code G} = gates·H: 4H for the LSTM, 3H for the GRU). Inside the
 * workspace everything is time-major ({@code [T][B][.]}), so that a step's rows are contiguous:
 * <pre>
 *   gates (T·B, G)  = in (T·B, I_l) · W_ih^T                    one GEMM over the whole sequence
 *   step t:  gates[t] (+)= hs[t] (B, H) · W_hh^T                 one GEMM per step (the GRU keeps it apart)
 *            cell(gates[t], state[t]) -&gt; hs[t+1], state[t+1]   elementwise (RecurrentCells), per sample
 * backward, t = T-1 .. 0:
 *            cell'(dhs[t+1]) -&gt; dgates[t] (in place of gates[t])
 *            dhs[t] += dgates[t] · W_hh                           one GEMM per step
 *   dW_ih^T += in^T · dgates, dW_hh^T += hs[0..T)^T · dgates      one GEMM each over the whole sequence
 *   din (T·B, I_l) = dgates · W_ih                                 the lower layer's dhs, or dL/dx
 * </pre>
 * Slot 0 of {@code hs} is the initial state, zero as in PyTorch without {@code (h0, c0)}. All
 * products go through {@link Sgemm}, whose split over threads never cuts a sum, and the elementwise
 * steps split over samples, so results are bit-identical for any thread count.
 *
 * <p>Variable lengths: with a {@link Context#paddingMask(PaddingMask) padding mask} set (each
 * sequence padded at its end, {@link PaddingMask#ofLengths}), sample b's recurrence stops after
 * its valid steps — the state is carried unchanged through the padding (so the last
 * state is the state at its last real step, as with PyTorch's packed sequences), the sequence output
 * is zero there, and no gradient enters or leaves a padded step.
 */
public abstract sealed class RecurrentLayer extends AbstractLayer permits LSTM, GRU {
    /** Input features I. */
    final int inputSize;
    /** Hidden features H. */
    final int hidden;
    /** Stacked layers L. */
    final int layers;
    /** Whether the output is the whole sequence (else the last state). */
    final boolean sequences;
    /** Gate blocks per step: 4 (LSTM) or 3 (GRU). */
    final int gates;
    /** Gate pre-activations per sample and step, gates·H. */
    final int g;

    float[] w;
    float[] gw;
    final int[] wih;
    final int[] whh;
    final int[] bih;
    final int[] bhh;
    private Param[] params;
    /** Time steps T (after build). */
    int steps;

    private final ParallelPass.Body body = this::range;
    private static final int BACKWARD = 1 << 30;

    RecurrentLayer(String type, int inputSize, int hidden, int layers, boolean sequences, int gates) {
        if (inputSize <= 0 || hidden <= 0 || layers <= 0) {
            throw new ConfigException(type + "(" + inputSize + "->" + hidden + ", layers " + layers
                    + "): sizes and the number of layers must be positive");
        }
        if ((long) gates * hidden * Math.max(inputSize, hidden) > Integer.MAX_VALUE / 2) {
            throw new ConfigException(type + "(" + inputSize + "->" + hidden + "): too large");
        }
        this.inputSize = inputSize;
        this.hidden = hidden;
        this.layers = layers;
        this.sequences = sequences;
        this.gates = gates;
        this.g = gates * hidden;
        this.wih = new int[layers];
        this.whh = new int[layers];
        this.bih = new int[layers];
        this.bhh = new int[layers];
    }

    /** {@return the number of input features per time step} */
    public int inputSize() {
        return inputSize;
    }

    /** {@return the number of hidden features} */
    public int hiddenSize() {
        return hidden;
    }

    /** {@return the number of stacked layers} */
    public int numLayers() {
        return layers;
    }

    /** {@return whether the output is the whole sequence of hidden states (else only the last one)} */
    public boolean returnsSequences() {
        return sequences;
    }

    /** The type name, {@code LSTM} or {@code GRU}. */
    abstract String type();

    @Override
    public final String describe() {
        return type() + "(" + inputSize + "->" + hidden + (layers > 1 ? ", layers " + layers : "")
                + (sequences ? ", sequence" : ", last state") + ")";
    }

    @Override
    public final LayerConfig config() {
        return LayerConfig.of(type(), "input", inputSize, "hidden", hidden, "layers", layers, "sequences", sequences);
    }

    @Override
    protected final Shape computeOutputShape(Shape input) {
        if (input.rank() != 2 || input.dim(1) != inputSize) {
            throw new ShapeException(describe() + " expects sequences (T, " + inputSize + ") (time steps, features), got "
                    + input);
        }
        steps = input.dim(0);
        return sequences ? Shape.of(steps, hidden) : Shape.of(hidden);
    }

    @Override
    public final long forwardMacs() {
        long m = 0;
        for (int l = 0; l < layers; l++) {
            m += (long) (l == 0 ? inputSize : hidden) * g + (long) hidden * g;
        }
        return m * steps;
    }

    @Override
    public final List<ParamSpec> paramSpecs() {
        List<ParamSpec> r = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            r.add(ParamSpec.packedWeight("weight_ih_l" + l, g, l == 0 ? inputSize : hidden));
            r.add(ParamSpec.packedWeight("weight_hh_l" + l, g, hidden));
            r.add(ParamSpec.plain("bias_ih_l" + l, g));
            r.add(ParamSpec.plain("bias_hh_l" + l, g));
        }
        return r;
    }

    @Override
    public final void bind(String prefix, ParameterStore store) {
        w = store.values();
        gw = store.grads();
        params = new Param[4 * layers];
        for (int l = 0; l < layers; l++) {
            params[4 * l] = store.get(prefix + "weight_ih_l" + l);
            params[4 * l + 1] = store.get(prefix + "weight_hh_l" + l);
            params[4 * l + 2] = store.get(prefix + "bias_ih_l" + l);
            params[4 * l + 3] = store.get(prefix + "bias_hh_l" + l);
            wih[l] = params[4 * l].offset();
            whh[l] = params[4 * l + 1].offset();
            bih[l] = params[4 * l + 2].offset();
            bhh[l] = params[4 * l + 3].offset();
        }
    }

    /** PyTorch's default: every weight and bias U(-1/sqrt(H), 1/sqrt(H)), tensors in state_dict order. */
    @Override
    public final void initialize(SplittableRandom rnd) {
        double bound = 1.0 / Math.sqrt(hidden);
        for (Param p : params) {
            for (int i = 0; i < p.numel(); i++) {
                p.set(i, (float) ((rnd.nextDouble() * 2 - 1) * bound));
            }
        }
    }

    // ---- workspace layout, for a batch of B (all offsets relative to the layer's wo) ----

    /** Floats of per-layer state besides gates and hs: the LSTM's cell states, the GRU's h_n. */
    abstract int stateSize(int batch);

    /** Floats of the cell's own forward and backward scratch (shared by the layers). */
    abstract int cellScratchSize(int batch);

    private int seqOf(int batch, int width) {
        return steps * batch * width;
    }

    /** Per-layer block: gates (T·B·G), hs ((T+1)·B·H), state. */
    private int layerBlock(int batch) {
        return seqOf(batch, g) + (steps + 1) * batch * hidden + stateSize(batch);
    }

    final int lensOff(int wo) {
        return wo;
    }

    final int xtOff(int wo, int batch) {
        return wo + batch;
    }

    final int gatesOff(int wo, int batch, int l) {
        return xtOff(wo, batch) + seqOf(batch, inputSize) + l * layerBlock(batch);
    }

    final int hsOff(int wo, int batch, int l) {
        return gatesOff(wo, batch, l) + seqOf(batch, g);
    }

    final int stateOff(int wo, int batch, int l) {
        return hsOff(wo, batch, l) + (steps + 1) * batch * hidden;
    }

    final int scratchOff(int wo, int batch) {
        return gatesOff(wo, batch, layers);
    }

    /** The gradient of layer l's hidden states, ((T+1)·B·H): two buffers used alternately down the stack. */
    final int dhsOff(int wo, int batch, int l) {
        return scratchOff(wo, batch) + cellScratchSize(batch) + ((layers - 1 - l) & 1) * (steps + 1) * batch * hidden;
    }

    private int dxtOff(int wo, int batch) {
        return dhsOff(wo, batch, layers - 1) + 2 * (steps + 1) * batch * hidden;
    }

    @Override
    public final int workspaceSize(int batch) {
        long n = batch + (long) seqOf(batch, inputSize) * 2 + (long) layers * layerBlock(batch)
                + cellScratchSize(batch) + 2L * (steps + 1) * batch * hidden;
        if (n > Integer.MAX_VALUE - 64) {
            throw new ShapeException(describe() + ": a batch of " + batch + " needs " + n + " floats of workspace");
        }
        return (int) n;
    }

    // ---- the cell, per sample ----

    /** The recurrent product of step t of layer l before the cell (LSTM: into gates[t]; GRU: into its scratch). */
    abstract void recurrentForward(Context ctx, float[] ws, int wo, int batch, int l, int t);

    /** Forward of the cell of layer l at step t for samples [from, to); padded samples carry their state. */
    abstract void cellForward(float[] ws, int wo, int batch, int l, int t, int from, int to);

    /** Backward of the cell of layer l at step t for samples [from, to). */
    abstract void cellBackward(float[] ws, int wo, int batch, int l, int t, int from, int to);

    /** Called once per layer before its backward steps (the LSTM zeroes its dL/dc carry). */
    abstract void startBackward(float[] ws, int wo, int batch);

    /** Offset of the gradients of the recurrent projections of layer l, (T·B, G): the LSTM's are the gates'. */
    abstract int recurrentGradOff(float[] ws, int wo, int batch, int l);

    /** Whether sample b is past its length at step t. */
    static boolean padded(float[] ws, int wo, int b, int t) {
        return t >= ws[wo + b];
    }

    private void range(ParallelPass p, int from, int to) {
        int l = (p.kind & ~BACKWARD) >>> 16;
        int t = p.kind & 0xFFFF;
        if ((p.kind & BACKWARD) != 0) {
            cellBackward(p.ws, p.wo, p.batch, l, t, from, to);
        } else {
            cellForward(p.ws, p.wo, p.batch, l, t, from, to);
        }
    }

    private void cells(Context ctx, float[] ws, int wo, int batch, int l, int t, boolean backward) {
        boolean parallel = ctx.pool().threads() > 1 && batch > 1 && (long) batch * hidden >= 2048;
        ParallelPass.get(body, (backward ? BACKWARD : 0) | (l << 16) | t, batch).ws(ws, wo)
                .run(ctx.pool(), batch, 1, parallel);
    }

    // ---- forward and backward ----

    @Override
    public final void forward(Context ctx, int batch, float[] x, int xo, float[] y, int yo, float[] ws, int wo) {
        int T = steps;
        int H = hidden;
        int I = inputSize;
        int lo = lensOff(wo);
        PaddingMask mask = ctx.paddingMask();
        if (mask != null) {
            mask.check(this, batch, T);
        }
        for (int b = 0; b < batch; b++) {
            int n = mask == null ? T : mask.validSteps(b);
            if (mask != null && (n < 1 || !mask.isPaddedAtEnd(b))) {
                throw new ShapeException(describe() + ": sample " + b + " of the padding mask "
                        + (n < 1 ? "has no valid step" : "is not padded at its end")
                        + "; a recurrent layer needs each sequence's valid steps first (PaddingMask.ofLengths)");
            }
            ws[lo + b] = n;
        }
        int xt = xtOff(wo, batch);
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < T; t++) {
                System.arraycopy(x, xo + (b * T + t) * I, ws, xt + (t * batch + b) * I, I);
            }
        }
        for (int l = 0; l < layers; l++) {
            int in = l == 0 ? xt : hsOff(wo, batch, l - 1) + batch * H;
            int inSize = l == 0 ? I : H;
            int go = gatesOff(wo, batch, l);
            Sgemm.forwardPacked(T * batch, inSize, g, ws, in, w, wih[l], ws, go, Epilogue.NONE, ctx.pool());
            int hs = hsOff(wo, batch, l);
            java.util.Arrays.fill(ws, hs, hs + batch * H, 0f);
            for (int t = 0; t < T; t++) {
                recurrentForward(ctx, ws, wo, batch, l, t);
                cells(ctx, ws, wo, batch, l, t, false);
            }
        }
        int top = hsOff(wo, batch, layers - 1);
        if (sequences) {
            for (int b = 0; b < batch; b++) {
                int n = (int) ws[lo + b];
                for (int t = 0; t < T; t++) {
                    int yr = yo + (b * T + t) * H;
                    if (t < n) {
                        System.arraycopy(ws, top + ((t + 1) * batch + b) * H, y, yr, H);
                    } else {
                        java.util.Arrays.fill(y, yr, yr + H, 0f);
                    }
                }
            }
        } else {
            System.arraycopy(ws, top + T * batch * H, y, yo, batch * H);
        }
    }

    @Override
    public final void backward(Context ctx, int batch, float[] x, int xo, float[] y, int yo,
                               float[] dy, int dyo, float[] dx, int dxo, float[] ws, int wo) {
        int T = steps;
        int H = hidden;
        int I = inputSize;
        int lo = lensOff(wo);
        int dhs = dhsOff(wo, batch, layers - 1);
        java.util.Arrays.fill(ws, dhs, dhs + (T + 1) * batch * H, 0f);
        if (sequences) {
            for (int b = 0; b < batch; b++) {
                int n = (int) ws[lo + b];
                for (int t = 0; t < n; t++) {
                    System.arraycopy(dy, dyo + (b * T + t) * H, ws, dhs + ((t + 1) * batch + b) * H, H);
                }
            }
        } else {
            System.arraycopy(dy, dyo, ws, dhs + T * batch * H, batch * H);
        }
        int xt = xtOff(wo, batch);
        for (int l = layers - 1; l >= 0; l--) {
            int go = gatesOff(wo, batch, l);
            int rg = recurrentGradOff(ws, wo, batch, l);
            int d = dhsOff(wo, batch, l);
            startBackward(ws, wo, batch);
            for (int t = T - 1; t >= 0; t--) {
                cells(ctx, ws, wo, batch, l, t, true);
                if (t > 0) { // dhs[t] += dgates_h[t] . W_hh
                    Sgemm.sgemm(batch, H, g, ws, rg + t * batch * g, g, Layout.ROW_MAJOR, w, whh[l], Panels.stride(H),
                            Layout.PANELS_TRANSPOSED, 1f, ws, d + t * batch * H, H, Layout.ROW_MAJOR, Epilogue.NONE,
                            ctx.pool());
                }
            }
            int in = l == 0 ? xt : hsOff(wo, batch, l - 1) + batch * H;
            int inSize = l == 0 ? I : H;
            if (ctx.paramGrads()) {
                boolean acc = !ctx.gradsZero();
                Sgemm.weightGradient(T * batch, inSize, g, ws, in, ws, go, acc, gw, wih[l], ctx.pool());
                Sgemm.weightGradient(T * batch, H, g, ws, hsOff(wo, batch, l), ws, rg, acc, gw, whh[l], ctx.pool());
                Activations.columnSumsAccumulate(ws, go, T * batch, g, gw, bih[l]);
                Activations.columnSumsAccumulate(ws, rg, T * batch, g, gw, bhh[l]);
            }
            if (l > 0) {
                int below = dhsOff(wo, batch, l - 1);
                java.util.Arrays.fill(ws, below, below + batch * H, 0f);
                Sgemm.sgemm(T * batch, H, g, ws, go, g, Layout.ROW_MAJOR, w, wih[l], Panels.stride(H),
                        Layout.PANELS_TRANSPOSED, 0f, ws, below + batch * H, H, Layout.ROW_MAJOR, Epilogue.NONE,
                        ctx.pool());
            } else if (dx != null) {
                int dxt = dxtOff(wo, batch);
                Sgemm.sgemm(T * batch, I, g, ws, go, g, Layout.ROW_MAJOR, w, wih[0], Panels.stride(I),
                        Layout.PANELS_TRANSPOSED, 0f, ws, dxt, I, Layout.ROW_MAJOR, Epilogue.NONE, ctx.pool());
                for (int b = 0; b < batch; b++) {
                    for (int t = 0; t < T; t++) {
                        System.arraycopy(ws, dxt + (t * batch + b) * I, dx, dxo + (b * T + t) * I, I);
                    }
                }
            }
        }
    }
}
