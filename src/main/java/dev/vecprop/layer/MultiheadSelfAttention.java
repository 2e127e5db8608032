package dev.vecprop.layer;

import dev.vecprop.kernel.Activations;
import dev.vecprop.kernel.AttentionSoftmax;
import dev.vecprop.kernel.Epilogue;
import dev.vecprop.kernel.Layout;
import dev.vecprop.kernel.Panels;
import dev.vecprop.kernel.Sgemm;
import dev.vecprop.kernel.SmallGemm;
import dev.vecprop.kernel.Transpose;
import dev.vecprop.tensor.Param;
import dev.vecprop.tensor.ParamSpec;
import dev.vecprop.tensor.ParameterStore;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Multi-head scaled dot-product self-attention over a sequence, PyTorch's
 * {@code nn.MultiheadAttention(embed, heads, batch_first=True)} called as {@code attn(x, x, x)}:
 * input and output {@code (T, embed)}. Tensors as PyTorch's: {@code in_proj_weight [3E, E]} (the
 * query, key and value projections stacked), {@code in_proj_bias [3E]}, {@code out_proj.weight [E, E]},
 * {@code out_proj.bias [E]}. With head dim {@code Dh = E / heads} and, per sample and head h,
 * {@code Q, K, V (T, Dh)} the h-th column blocks of {@code x W_in^T + b_in}:
 * <pre>
 *   forward   QKV (B*T, 3E) = x W_in^T + b_in                      one GEMM over the whole batch
 *             per (b, h): S^T = K Q^T (T,T);  P^T = softmax(S / sqrt(Dh)) over the visible keys, transposed;  O_h = P V
 *             y (B*T, E) = O W_out^T + b_out                       one GEMM
 *   backward  dO = dy W_out;  dW_out += O^T dy
 *             per (b, h): dV = P^T dO_h;  dP^T = V dO_h^T;  dS = P * (dP - rowsum(dP * P)) / sqrt(Dh), transposed
 *                         dQ = dS K;  dK = dS^T Q
 *             dW_in += x^T dQKV;  db_in += colsum dQKV;  dx = dQKV W_in
 * </pre>
 * Masks: with {@code causal} query t sees keys {@code 0..t} only (PyTorch's
 * {@code generate_square_subsequent_mask}); a {@link PaddingMask} on the context hides padded keys
 * ({@code key_padding_mask}). The scores and probabilities are kept transposed ({@code [key][query]}),
 * so that {@link AttentionSoftmax} runs each query's softmax down a column with one query per vector
 * lane. The per-head products run on {@link SmallGemm} (no packing; Q and dO are transposed per
 * head where a product needs them as rows), the (sample, head) pairs split over
 * the pool's workers; the forward caches QKV, P and O for the backward. Bit-identical for any
 * thread count.
 */
public final class MultiheadSelfAttention extends AbstractLayer {
    private static final int FORWARD = 0;
    private static final int BACKWARD = 1;

    private final int embed;
    private final int heads;
    private final int headDim;
    private final boolean causal;
    private final float scale;
    private final Linear outProj;
    private int steps;
    private float[] w;
    private float[] gw;
    private int inWOff;
    private int inBOff;
    private Param inWeight;
    private Param inBias;
    private Epilogue inBiasEpilogue;

    /**
     * Creates self-attention without a causal mask.
     *
     * @param embed the model dimension E (features per time step)
     * @param heads the number of heads; must divide {@code embed}
     * @throws dev.vecprop.ConfigException if a size is not positive or {@code heads} does not divide {@code embed}
     */
    public MultiheadSelfAttention(int embed, int heads) {
        this(embed, heads, false);
    }

    /**
     * Creates self-attention.
     *
     * @param embed  the model dimension E (features per time step)
     * @param heads  the number of heads; must divide {@code embed}
     * @param causal whether step t attends to steps {@code 0..t} only
     * @throws dev.vecprop.ConfigException if a size is not positive or {@code heads} does not divide {@code embed}
     */
    public MultiheadSelfAttention(int embed, int heads, boolean causal) {
        if (embed <= 0 || heads <= 0 || embed % heads != 0) {
            throw new dev.vecprop.ConfigException("MultiheadSelfAttention(" + embed + ", " + heads
                    + " heads): need positive sizes and heads dividing embed");
        }
        this.embed = embed;
        this.heads = heads;
        this.headDim = embed / heads;
        this.causal = causal;
        this.scale = (float) (1.0 / Math.sqrt(headDim));
        this.outProj = new Linear(embed, embed);
    }

    /** {@return the model dimension E} */
    public int embed() {
        return embed;
    }

    /** {@return the number of heads} */
    public int heads() {
        return heads;
    }

    /** {@return whether the causal mask is applied} */
    public boolean causal() {
        return causal;
    }

    @Override
    public LayerConfig config() {
        return LayerConfig.of("MultiheadSelfAttention", "embed", embed, "heads", heads, "causal", causal);
    }

    @Override
    public String describe() {
        return "MultiheadSelfAttention(" + embed + ", " + heads + " heads" + (causal ? ", causal" : "") + ")";
    }

    @Override
    public long forwardMacs() {
        long t = steps;
        return 4 * t * embed * embed + 2 * t * t * embed;
    }

    @Override
    protected Shape computeOutputShape(Shape input) {
        if (input.rank() != 2 || input.dim(1) != embed) {
            throw new ShapeException(describe() + " expects a sequence (T, " + embed + "), got " + input);
        }
        if (steps == 0) { // a second build on another shape is refused by AbstractLayer.build
            outProj.build(Shape.of(embed));
            steps = input.dim(0);
        }
        return input;
    }

    @Override
    public List<ParamSpec> paramSpecs() {
        List<ParamSpec> r = new ArrayList<>();
        r.add(ParamSpec.packedWeight("in_proj_weight", 3 * embed, embed));
        r.add(ParamSpec.plain("in_proj_bias", 3 * embed));
        for (ParamSpec s : outProj.paramSpecs()) {
            r.add(new ParamSpec("out_proj." + s.name(), s.shape(), s.storage(), s.trainable()));
        }
        return r;
    }

    @Override
    public void bind(String prefix, ParameterStore store) {
        inWeight = store.get(prefix + "in_proj_weight");
        inBias = store.get(prefix + "in_proj_bias");
        w = store.values();
        gw = store.grads();
        inWOff = inWeight.offset();
        inBOff = inBias.offset();
        inBiasEpilogue = Epilogue.bias(w, inBOff);
        outProj.bind(prefix + "out_proj.", store);
    }

    /**
     * PyTorch's: {@code in_proj_weight} Xavier-uniform, {@code in_proj_bias} and {@code out_proj.bias}
     * zero, {@code out_proj.weight} U(-1/sqrt(E), 1/sqrt(E)).
     */
    @Override
    public void initialize(SplittableRandom rnd) {
        double bound = Math.sqrt(6.0 / (embed + 3.0 * embed));
        for (int i = 0; i < 3 * embed * embed; i++) {
            inWeight.set(i, (float) ((rnd.nextDouble() * 2 - 1) * bound));
        }
        for (int i = 0; i < 3 * embed; i++) {
            inBias.set(i, 0f);
        }
        outProj.initialize(rnd);
        for (int i = 0; i < embed; i++) {
            outProj.bias().set(i, 0f);
        }
    }

    // workspace, for B samples of T steps (n = B*T rows):
    //   QKV (n, 3E) | P^T (B, H, T, T) | O (n, E) | dO (n, E) | dS^T (B, H, T, T) | dQKV (n, 3E)
    //   | per (b, h) Q_h^T (Dh, T) in the forward, dO_h^T in the backward (scratch)
    private int pOff(int batch) {
        return batch * steps * 3 * embed;
    }

    private int oOff(int batch) {
        return pOff(batch) + batch * heads * steps * steps;
    }

    private int dOOff(int batch) {
        return oOff(batch) + batch * steps * embed;
    }

    private int dSOff(int batch) {
        return dOOff(batch) + batch * steps * embed;
    }

    private int dQkvOff(int batch) {
        return dSOff(batch) + batch * heads * steps * steps;
    }

    private int transposeOff(int batch) {
        return dQkvOff(batch) + batch * steps * 3 * embed;
    }

    @Override
    public int workspaceSize(int batch) {
        return transposeOff(batch) + batch * steps * embed;
    }

    private boolean[] mask(Context ctx, int batch) {
        PaddingMask m = ctx.paddingMask();
        if (m == null) {
            return null;
        }
        m.check(this, batch, steps);
        return m.flags();
    }

    @Override
    public void forward(Context ctx, int batch, float[] x, int xo, float[] y, int yo, float[] ws, int wo) {
        // x (B,T,E) -> QKV (B*T,3E) -> per (b,h): P = softmax(Q K^T / sqrt(Dh)), O_h = P V -> y = O W_out^T + b_out
        boolean[] pad = mask(ctx, batch);
        int n = batch * steps;
        Sgemm.forwardPacked(n, embed, 3 * embed, x, xo, w, inWOff, ws, wo, inBiasEpilogue, ctx.pool());
        ParallelPass.get(body, FORWARD, batch).ws(ws, wo).flags(pad)
                .run(ctx.pool(), batch * heads, 1, true);
        outProj.forward(ctx, n, ws, wo + oOff(batch), y, yo, false);
    }

    @Override
    public void backward(Context ctx, int batch, float[] x, int xo, float[] y, int yo,
                         float[] dy, int dyo, float[] dx, int dxo, float[] ws, int wo) {
        // dy (B,T,E) -> dO, dW_out -> per (b,h): dV, dS, dQ, dK into dQKV -> dW_in, db_in, dx
        int n = batch * steps;
        int dQkv = wo + dQkvOff(batch);
        outProj.backward(ctx, n, ws, wo + oOff(batch), dy, dyo, ws, wo + dOOff(batch), Epilogue.NONE);
        ParallelPass.get(body, BACKWARD, batch).ws(ws, wo).run(ctx.pool(), batch * heads, 1, true);
        if (ctx.paramGrads()) {
            Sgemm.weightGradient(n, embed, 3 * embed, x, xo, ws, dQkv, !ctx.gradsZero(), gw, inWOff, ctx.pool());
            Activations.columnSumsAccumulate(ws, dQkv, n, 3 * embed, gw, inBOff);
        }
        if (dx != null) {
            Sgemm.sgemm(n, embed, 3 * embed, ws, dQkv, 3 * embed, Layout.ROW_MAJOR, w, inWOff, Panels.stride(embed),
                    Layout.PANELS_TRANSPOSED, 0f, dx, dxo, embed, Layout.ROW_MAJOR, Epilogue.NONE, ctx.pool());
        }
    }

    private final ParallelPass.Body body = this::range;

    /** Items are (sample, head) pairs {@code b * heads + h}; each writes only its own blocks. */
    private void range(ParallelPass p, int from, int to) {
        int t = steps;
        int e3 = 3 * embed;
        float[] ws = p.ws;
        int batch = p.batch;
        for (int i = from; i < to; i++) {
            int b = i / heads;
            int h = i % heads;
            int q = p.wo + b * t * e3 + h * headDim;   // Q_h (T, Dh), ld 3E; K_h at +E, V_h at +2E
            int k = q + embed;
            int v = q + 2 * embed;
            int pr = p.wo + pOff(batch) + i * t * t;   // P (T, T)
            int o = p.wo + oOff(batch) + b * t * embed + h * headDim; // O_h (T, Dh), ld E
            int ts = p.wo + transposeOff(batch) + i * headDim * t; // Q_h^T or dO_h^T (Dh, T)
            if (p.kind == FORWARD) {
                Transpose.transpose(ws, q, e3, t, headDim, ws, ts, t);
                SmallGemm.multiply(t, t, headDim, ws, k, e3, 1, ws, ts, t, ws, pr, t);          // S^T = K Q^T
                AttentionSoftmax.forward(ws, pr, t, t, scale, causal, p.flags, b * t);         // P^T
                SmallGemm.multiply(t, headDim, t, ws, pr, 1, t, ws, v, e3, ws, o, embed);       // O_h = P V
            } else {
                int dO = p.wo + dOOff(batch) + b * t * embed + h * headDim;
                int ds = p.wo + dSOff(batch) + i * t * t;
                int dq = p.wo + dQkvOff(batch) + b * t * e3 + h * headDim;
                int dk = dq + embed;
                int dv = dq + 2 * embed;
                SmallGemm.multiply(t, headDim, t, ws, pr, t, 1, ws, dO, embed, ws, dv, e3);     // dV = P^T dO
                Transpose.transpose(ws, dO, embed, t, headDim, ws, ts, t);
                SmallGemm.multiply(t, t, headDim, ws, v, e3, 1, ws, ts, t, ws, ds, t);          // dP^T = V dO^T
                AttentionSoftmax.backward(ws, pr, ws, ds, t, t, scale);                        // dS^T
                SmallGemm.multiply(t, headDim, t, ws, ds, 1, t, ws, k, e3, ws, dq, e3);         // dQ = dS K
                SmallGemm.multiply(t, headDim, t, ws, ds, t, 1, ws, q, e3, ws, dk, e3);         // dK = dS^T Q
            }
        }
    }
}
