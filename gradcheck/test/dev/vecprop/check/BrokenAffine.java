package dev.vecprop.check;

import dev.vecprop.layer.AbstractLayer;
import dev.vecprop.layer.Context;
import dev.vecprop.layer.LayerConfig;
import dev.vecprop.layer.Shape;
import dev.vecprop.layer.ShapeException;
import dev.vecprop.tensor.Param;
import dev.vecprop.tensor.ParamSpec;
import dev.vecprop.tensor.ParameterStore;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A per-feature affine layer {@code y = gain * w * x + b} with one deliberate bug, the negative
 * control of the contract kit: each bug must be caught under its own property.
 */
final class BrokenAffine extends AbstractLayer {

    /** The deliberate bug, and the property that must catch it. */
    enum Bug {
        /** A correct layer: passes everything. */
        NONE(null),
        /** dx = -w dy. */
        WRONG_SIGN(ContractProperty.GRADIENTS),
        /** The bias gradient is never added. */
        MISSING_TERM(ContractProperty.GRADIENTS),
        /** dw and db are assigned, not added. */
        OVERWRITE(ContractProperty.ACCUMULATION),
        /** y_b also gets 0.1 x of the next sample (and backward is consistent with that). */
        BATCH_LEAKAGE(ContractProperty.BATCH_INDEPENDENCE),
        /** dw summed over the batch in float, starting at a sample that changes with every call. */
        NONDETERMINISTIC_REDUCTION(ContractProperty.DETERMINISM),
        /** An eval forward writes the batch mean into the bias gradient. */
        EVAL_WRITES_STATE(ContractProperty.EVAL_PURITY),
        /** The gain (2) is not in the config, so a loaded layer has gain 1. */
        CONFIG_LOSES_ARGUMENT(ContractProperty.SERIALIZATION),
        /** The forward keeps its result in a field before copying it out: concurrent inference mixes threads up. */
        SHARED_SCRATCH(ContractProperty.EVAL_PURITY),
        /** build accepts any shape; forward then indexes past the weights. */
        NO_SHAPE_CHECK(ContractProperty.SHAPE_ERRORS);

        final ContractProperty caughtBy;

        Bug(ContractProperty caughtBy) {
            this.caughtBy = caughtBy;
        }
    }

    private static final AtomicInteger CALLS = new AtomicInteger();

    final int n;
    final float gain;
    final Bug bug;
    private Param w;
    private Param b;
    private float[] scratch = new float[0];

    BrokenAffine(int n, float gain, Bug bug) {
        this.n = n;
        this.gain = gain;
        this.bug = bug;
    }

    BrokenAffine(int n, Bug bug) {
        this(n, bug == Bug.CONFIG_LOSES_ARGUMENT ? 2f : 1f, bug);
    }

    @Override
    public String describe() {
        return "Affine" + (bug == Bug.NONE ? "" : "[" + bug + "]") + "(" + n + ")";
    }

    @Override
    protected Shape computeOutputShape(Shape input) {
        if (bug != Bug.NO_SHAPE_CHECK && input.size() != n) {
            throw new ShapeException(describe() + " expects " + n + " features, got " + input);
        }
        return input;
    }

    @Override
    public List<ParamSpec> paramSpecs() {
        return List.of(ParamSpec.plain("weight", n), ParamSpec.plain("bias", n));
    }

    @Override
    public void bind(String prefix, ParameterStore store) {
        w = store.get(prefix + "weight");
        b = store.get(prefix + "bias");
    }

    @Override
    public LayerConfig config() {
        return bug == Bug.CONFIG_LOSES_ARGUMENT ? LayerConfig.of("BrokenAffine", "n", n, "bug", bug.name())
                : LayerConfig.of("BrokenAffine", "n", n, "gain", (double) gain, "bug", bug.name());
    }

    static BrokenAffine fromConfig(LayerConfig c) {
        float g = c.args().containsKey("gain") ? (float) c.doubleArg("gain") : 1f;
        return new BrokenAffine(c.intArg("n"), g, Bug.valueOf(c.stringArg("bug")));
    }

    private int size() {
        return inputShape().size();
    }

    @Override
    public void forward(Context ctx, int batch, float[] x, int xo, float[] y, int yo, float[] ws, int wo) {
        int f = size();
        for (int s = 0; s < batch; s++) {
            for (int j = 0; j < f; j++) {
                float v = gain * w.get(j) * x[xo + s * f + j] + b.get(j);
                if (bug == Bug.BATCH_LEAKAGE && batch > 1) {
                    v += 0.1f * x[xo + ((s + 1) % batch) * f + j];
                }
                y[yo + s * f + j] = v;
            }
        }
        if (bug == Bug.SHARED_SCRATCH) {
            if (scratch.length < batch * f) {
                scratch = new float[batch * f];
            }
            System.arraycopy(y, yo, scratch, 0, batch * f);
            Thread.yield(); // a longer computation between writing the field and reading it back
            System.arraycopy(scratch, 0, y, yo, batch * f);
        }
        if (bug == Bug.EVAL_WRITES_STATE && !ctx.training()) {
            for (int j = 0; j < f; j++) {
                float m = 0;
                for (int s = 0; s < batch; s++) {
                    m += x[xo + s * f + j] / batch;
                }
                b.grad()[b.index(j)] = m;
            }
        }
    }

    @Override
    public void backward(Context ctx, int batch, float[] x, int xo, float[] y, int yo,
                         float[] dy, int dyo, float[] dx, int dxo, float[] ws, int wo) {
        int f = size();
        if (dx != null) {
            for (int s = 0; s < batch; s++) {
                for (int j = 0; j < f; j++) {
                    float d = gain * w.get(j) * dy[dyo + s * f + j];
                    if (bug == Bug.BATCH_LEAKAGE && batch > 1) {
                        d += 0.1f * dy[dyo + ((s - 1 + batch) % batch) * f + j];
                    }
                    dx[dxo + s * f + j] = bug == Bug.WRONG_SIGN ? -d : d;
                }
            }
        }
        if (!ctx.paramGrads()) {
            return;
        }
        int start = bug == Bug.NONDETERMINISTIC_REDUCTION ? CALLS.getAndIncrement() % batch : 0;
        for (int j = 0; j < f; j++) {
            float gw = 0;
            float gb = 0;
            for (int k = 0; k < batch; k++) {
                int s = (start + k) % batch;
                gw += gain * dy[dyo + s * f + j] * x[xo + s * f + j];
                gb += dy[dyo + s * f + j];
            }
            int iw = w.index(j);
            int ib = b.index(j);
            if (bug == Bug.OVERWRITE) {
                w.grad()[iw] = gw;
                b.grad()[ib] = gb;
            } else {
                w.grad()[iw] += gw;
                if (bug != Bug.MISSING_TERM) {
                    b.grad()[ib] += gb;
                }
            }
        }
    }
}
