package dev.vecprop.layer;

import dev.vecprop.kernel.Activations;
import dev.vecprop.kernel.Epilogue;
import dev.vecprop.tensor.ParamSpec;
import dev.vecprop.tensor.ParameterStore;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A pre-norm Transformer encoder block, PyTorch's {@code nn.TransformerEncoderLayer(d, heads, ff,
 * dropout=0, activation="gelu", norm_first=True, batch_first=True)}: input and output {@code (T, d)},
 * <pre>
 *   forward   h1 = norm1(x);  r1 = x + self_attn(h1);  h2 = norm2(r1);  y = r1 + linear2(gelu(linear1(h2)))
 *   backward  dg = linear2'(dy);  df = gelu'(f) dg;  dh2 = linear1'(df);  dr1 = dy + norm2'(dh2)
 *             dh1 = self_attn'(dr1);  dx = dr1 + norm1'(dh1)
 * </pre>
 * Tensors named as PyTorch's state_dict: {@code self_attn.in_proj_weight}, {@code self_attn.in_proj_bias},
 * {@code self_attn.out_proj.weight/bias}, {@code linear1.weight/bias [ff, d]}, {@code linear2.weight/bias [d, ff]},
 * {@code norm1.weight/bias}, {@code norm2.weight/bias}. The dense layers run as GEMMs over all
 * {@code B*T} positions; see {@link MultiheadSelfAttention} and {@link LayerNorm} for the rest. A
 * {@link PaddingMask} on the context reaches the attention.
 */
public final class TransformerEncoderLayer extends AbstractLayer {
    private final int dModel;
    private final int heads;
    private final int ff;
    private final boolean causal;
    private final float eps;
    private final MultiheadSelfAttention selfAttn;
    private final Linear linear1;
    private final Linear linear2;
    private final LayerNorm norm1;
    private final LayerNorm norm2;
    private int steps;

    /**
     * Creates a block without a causal mask, layer-norm eps 1e-5.
     *
     * @param dModel the model dimension d (features per time step)
     * @param heads  the attention heads; must divide {@code dModel}
     * @param ff     the hidden width of the GELU MLP
     * @throws dev.vecprop.ConfigException if a size is not positive or {@code heads} does not divide {@code dModel}
     */
    public TransformerEncoderLayer(int dModel, int heads, int ff) {
        this(dModel, heads, ff, false, 1e-5f);
    }

    /**
     * Creates a block.
     *
     * @param dModel the model dimension d (features per time step)
     * @param heads  the attention heads; must divide {@code dModel}
     * @param ff     the hidden width of the GELU MLP
     * @param causal whether the attention is causal (step t sees steps 0..t)
     * @param eps    the layer norms' epsilon
     * @throws dev.vecprop.ConfigException if a size is not positive, {@code heads} does not divide
     *                                     {@code dModel} or {@code eps} is not positive
     */
    public TransformerEncoderLayer(int dModel, int heads, int ff, boolean causal, float eps) {
        if (ff <= 0) {
            throw new dev.vecprop.ConfigException("TransformerEncoderLayer(" + dModel + ", " + heads + " heads, ff "
                    + ff + "): the MLP width must be positive");
        }
        this.dModel = dModel;
        this.heads = heads;
        this.ff = ff;
        this.causal = causal;
        this.eps = eps;
        this.selfAttn = new MultiheadSelfAttention(dModel, heads, causal);
        this.linear1 = new Linear(dModel, ff);
        this.linear2 = new Linear(ff, dModel);
        this.norm1 = new LayerNorm(dModel, eps);
        this.norm2 = new LayerNorm(dModel, eps);
    }

    /** {@return the model dimension d} */
    public int dModel() {
        return dModel;
    }

    /** {@return the number of attention heads} */
    public int heads() {
        return heads;
    }

    /** {@return the hidden width of the MLP} */
    public int ff() {
        return ff;
    }

    /** {@return whether the attention is causal} */
    public boolean causal() {
        return causal;
    }

    @Override
    public LayerConfig config() {
        return LayerConfig.of("TransformerEncoderLayer", "d_model", dModel, "heads", heads, "ff", ff,
                "causal", causal, "eps", (double) eps);
    }

    @Override
    public String describe() {
        return "TransformerEncoderLayer(" + dModel + ", " + heads + " heads, ff " + ff + (causal ? ", causal" : "") + ")";
    }

    @Override
    public long forwardMacs() {
        return selfAttn.forwardMacs() + 2L * steps * dModel * ff;
    }

    @Override
    protected Shape computeOutputShape(Shape input) {
        if (input.rank() != 2 || input.dim(1) != dModel) {
            throw new ShapeException(describe() + " expects a sequence (T, " + dModel + "), got " + input);
        }
        if (steps == 0) { // a second build on another shape is refused by AbstractLayer.build
            selfAttn.build(input);
            norm1.build(input);
            norm2.build(input);
            linear1.build(Shape.of(dModel));
            linear2.build(Shape.of(ff));
            steps = input.dim(0);
        }
        return input;
    }

    private static void prefixed(List<ParamSpec> into, String prefix, Layer l) {
        for (ParamSpec s : l.paramSpecs()) {
            into.add(new ParamSpec(prefix + s.name(), s.shape(), s.storage(), s.trainable()));
        }
    }

    @Override
    public List<ParamSpec> paramSpecs() {
        List<ParamSpec> r = new ArrayList<>();
        prefixed(r, "self_attn.", selfAttn);
        prefixed(r, "linear1.", linear1);
        prefixed(r, "linear2.", linear2);
        prefixed(r, "norm1.", norm1);
        prefixed(r, "norm2.", norm2);
        return r;
    }

    @Override
    public void bind(String prefix, ParameterStore store) {
        selfAttn.bind(prefix + "self_attn.", store);
        linear1.bind(prefix + "linear1.", store);
        linear2.bind(prefix + "linear2.", store);
        norm1.bind(prefix + "norm1.", store);
        norm2.bind(prefix + "norm2.", store);
    }

    /** PyTorch's defaults of each part (see {@link MultiheadSelfAttention#initialize}, {@link Linear}, {@link LayerNorm}). */
    @Override
    public void initialize(SplittableRandom rnd) {
        selfAttn.initialize(rnd);
        linear1.initialize(rnd);
        linear2.initialize(rnd);
        norm1.initialize(rnd);
        norm2.initialize(rnd);
    }

    // workspace for B samples (n = B*T positions):
    //   h1 (n,d) | norm1 | self_attn | a (n,d) | r1 (n,d) | h2 (n,d) | norm2 | f (n,ff) | g (n,ff)
    //   | dg (n,ff) | dh2 (n,d) | dr1 (n,d) | dh1 (n,d)
    @Override
    public int workspaceSize(int batch) {
        int nd = batch * steps * dModel;
        int nf = batch * steps * ff;
        return 7 * nd + 3 * nf + norm1.workspaceSize(batch) + norm2.workspaceSize(batch)
                + selfAttn.workspaceSize(batch);
    }

    @Override
    public void forward(Context ctx, int batch, float[] x, int xo, float[] y, int yo, float[] ws, int wo) {
        // x (B,T,d): h1 = norm1(x); r1 = x + attn(h1); h2 = norm2(r1); y = r1 + linear2(gelu(linear1(h2)))
        int n = batch * steps;
        int nd = n * dModel;
        int h1 = wo;
        int ln1 = h1 + nd;
        int attn = ln1 + norm1.workspaceSize(batch);
        int a = attn + selfAttn.workspaceSize(batch);
        int r1 = a + nd;
        int h2 = r1 + nd;
        int ln2 = h2 + nd;
        int f = ln2 + norm2.workspaceSize(batch);
        int g = f + n * ff;
        norm1.forward(ctx, batch, x, xo, ws, h1, ws, ln1);
        selfAttn.forward(ctx, batch, ws, h1, ws, a, ws, attn);
        Activations.add(x, xo, ws, a, ws, r1, nd);
        norm2.forward(ctx, batch, ws, r1, ws, h2, ws, ln2);
        linear1.forward(ctx, n, ws, h2, ws, f, false);
        Activations.gelu(ws, f, ws, g, n * ff);
        linear2.forward(ctx, n, ws, g, y, yo, false);
        Activations.add(y, yo, ws, r1, y, yo, nd);
    }

    @Override
    public void backward(Context ctx, int batch, float[] x, int xo, float[] y, int yo,
                         float[] dy, int dyo, float[] dx, int dxo, float[] ws, int wo) {
        // dy (B,T,d) -> dx (B,T,d), through the MLP branch, norm2, the attention branch and norm1
        int n = batch * steps;
        int nd = n * dModel;
        int h1 = wo;
        int ln1 = h1 + nd;
        int attn = ln1 + norm1.workspaceSize(batch);
        int a = attn + selfAttn.workspaceSize(batch);
        int r1 = a + nd;
        int h2 = r1 + nd;
        int ln2 = h2 + nd;
        int f = ln2 + norm2.workspaceSize(batch);
        int g = f + n * ff;
        int dg = g + n * ff;
        int dh2 = dg + n * ff;
        int dr1 = dh2 + nd;
        int dh1 = dr1 + nd;
        linear2.backward(ctx, n, ws, g, dy, dyo, ws, dg, Epilogue.NONE);
        Activations.geluBackward(ws, f, ws, dg, ws, dg, n * ff);
        linear1.backward(ctx, n, ws, h2, ws, dg, ws, dh2, Epilogue.NONE);
        norm2.backward(ctx, batch, ws, r1, ws, h2, ws, dh2, ws, dr1, ws, ln2);
        Activations.add(dy, dyo, ws, dr1, ws, dr1, nd);
        selfAttn.backward(ctx, batch, ws, h1, ws, a, ws, dr1, ws, dh1, ws, attn);
        norm1.backward(ctx, batch, x, xo, ws, h1, ws, dh1, dx, dxo, ws, ln1);
        if (dx != null) {
            Activations.add(dx, dxo, ws, dr1, dx, dxo, nd);
        }
    }
}
