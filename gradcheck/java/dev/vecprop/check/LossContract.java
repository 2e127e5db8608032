package dev.vecprop.check;

import dev.vecprop.loss.Loss;
import dev.vecprop.loss.Targets;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The contract of a {@link Loss}, checked in one statement:
 * <pre>
 *   LossContract.labels(new SoftmaxCrossEntropy(), 5, 10).verify();
 * </pre>
 * Properties checked: {@link ContractProperty#GRADIENTS} (dL/dx against central differences of L),
 * {@link ContractProperty#ACCUMULATION} (dL/dx is written, not added),
 * {@link ContractProperty#BATCH_INDEPENDENCE} (a sample's dL/dx does not depend on the other
 * samples' values), {@link ContractProperty#DETERMINISM} (a repeated call is bit-identical) and
 * {@link ContractProperty#SHAPE_ERRORS} (a block that does not fit is refused with the documented
 * {@link dev.vecprop.ConfigException}). Losses have no parameters, modes or checkpoints, so the
 * other properties do not apply. Immutable.
 */
public final class LossContract {
    /** What the loss takes: logits, log-probabilities or probabilities, with labels or real targets. */
    private enum Kind { LOGITS_LABELS, LOG_PROBS_LABELS, REAL_VALUES, PROBABILITIES }

    private final Loss loss;
    private final Kind kind;
    private final int batch;
    private final int features;
    private final long seed;

    private LossContract(Loss loss, Kind kind, int batch, int features, long seed) {
        dev.vecprop.internal.Require.notNull(loss, "LossContract: the loss");
        if (batch < 2 || features < 1) {
            throw new dev.vecprop.ConfigException("LossContract: at least 2 samples and 1 feature, got " + batch + "x" + features);
        }
        this.loss = loss;
        this.kind = kind;
        this.batch = batch;
        this.features = features;
        this.seed = seed;
    }

    /**
     * {@return the contract of a loss over logits with class labels (e.g. softmax cross-entropy)}
     *
     * @param loss    the loss
     * @param batch   samples, at least 2
     * @param classes classes per sample
     */
    public static LossContract labels(Loss loss, int batch, int classes) {
        return new LossContract(loss, Kind.LOGITS_LABELS, batch, classes, 1);
    }

    /**
     * {@return the contract of a loss over log-probabilities with class labels (e.g. NLL)}
     *
     * @param loss    the loss
     * @param batch   samples, at least 2
     * @param classes classes per sample
     */
    public static LossContract logProbabilityLabels(Loss loss, int batch, int classes) {
        return new LossContract(loss, Kind.LOG_PROBS_LABELS, batch, classes, 1);
    }

    /**
     * {@return the contract of a loss over real predictions with real targets in [0, 1) (MSE, BCE with logits)}
     *
     * @param loss     the loss
     * @param batch    samples, at least 2
     * @param features values per sample
     */
    public static LossContract values(Loss loss, int batch, int features) {
        return new LossContract(loss, Kind.REAL_VALUES, batch, features, 1);
    }

    /**
     * {@return the contract of a loss over probabilities in (0.1, 0.9) with targets in [0, 1) (BCE)}
     *
     * @param loss     the loss
     * @param batch    samples, at least 2
     * @param features values per sample
     */
    public static LossContract probabilities(Loss loss, int batch, int features) {
        return new LossContract(loss, Kind.PROBABILITIES, batch, features, 1);
    }

    /**
     * {@return a copy with another seed for the inputs and targets}
     *
     * @param s the seed
     */
    public LossContract seed(long s) {
        return new LossContract(loss, kind, batch, features, s);
    }

    /** {@return what is checked, e.g. {@code SoftmaxCrossEntropy(mean) on 5x10}} */
    public String subject() {
        return loss.describe() + " on " + batch + "x" + features;
    }

    /**
     * Checks every property that applies to a loss.
     *
     * @return the report, one result per {@link ContractProperty} (the inapplicable ones skipped)
     */
    public ContractReport check() {
        String subject = subject();
        List<PropertyResult> out = new ArrayList<>();
        for (ContractProperty p : ContractProperty.values()) {
            try {
                out.add(switch (p) {
                    case GRADIENTS -> gradients(subject);
                    case ACCUMULATION -> written(subject);
                    case BATCH_INDEPENDENCE -> batchIndependence(subject);
                    case DETERMINISM -> Agreement.exactWithRetries(p, () -> determinism(subject));
                    case SHAPE_ERRORS -> shapeErrors(subject);
                    case EVAL_PURITY, SERIALIZATION -> PropertyResult.skipped(p, "a loss has no mode and no parameters");
                });
            } catch (ContractViolation v) {
                out.add(PropertyResult.fail(v));
            } catch (RuntimeException e) {
                out.add(PropertyResult.fail(new ContractViolation(p, subject, "threw " + e, e)));
            }
        }
        return new ContractReport(subject, out);
    }

    /**
     * Checks every property and fails on the first broken one.
     *
     * @return the report when every property held
     * @throws ContractViolation naming the property, the element, both values and the tolerance
     */
    public ContractReport verify() {
        return check().assertPassed();
    }

    private float[] inputs(Random rnd) {
        float[] x = new float[batch * features];
        for (int i = 0; i < x.length; i++) {
            x[i] = kind == Kind.PROBABILITIES ? 0.1f + 0.8f * rnd.nextFloat() : (float) (rnd.nextGaussian() * 1.5);
        }
        if (kind == Kind.LOG_PROBS_LABELS) {
            for (int b = 0; b < batch; b++) {
                double m = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < features; j++) {
                    m = Math.max(m, x[b * features + j]);
                }
                double s = 0;
                for (int j = 0; j < features; j++) {
                    s += Math.exp(x[b * features + j] - m);
                }
                double lse = m + Math.log(s);
                for (int j = 0; j < features; j++) {
                    x[b * features + j] = (float) (x[b * features + j] - lse);
                }
            }
        }
        return x;
    }

    private Targets targets(Random rnd) {
        if (kind == Kind.LOGITS_LABELS || kind == Kind.LOG_PROBS_LABELS) {
            int[] y = new int[batch];
            for (int b = 0; b < batch; b++) {
                y[b] = rnd.nextInt(features);
            }
            return Targets.labels(y, 0);
        }
        float[] t = new float[batch * features];
        for (int i = 0; i < t.length; i++) {
            t[i] = rnd.nextFloat();
        }
        return Targets.values(t, 0);
    }

    private PropertyResult gradients(String subject) {
        Random rnd = new Random(seed);
        float[] x = inputs(rnd);
        Targets t = targets(rnd);
        GradCheck.Options o = GradCheck.Options.defaults().withSeed(seed);
        if (kind == Kind.PROBABILITIES) {
            o = o.withStep(1e-3); // 1/p and 1/(1-p) curve strongly near the ends of (0.1, 0.9)
        }
        GradCheckReport r = GradCheck.checkLoss(loss, x, batch, features, t, o);
        TensorCheck tc = r.firstFailure();
        if (tc != null) {
            throw new ContractViolation(new ContractViolation.Detail(ContractProperty.GRADIENTS, subject, "loss input gradient",
                    tc.worstIndex(), tc.analytic(), tc.numeric(), tc.tolerance(), "analytic vs numeric"));
        }
        return PropertyResult.pass(ContractProperty.GRADIENTS, r.checked() + " compared, worst rel.err "
                + String.format("%.1e", r.tensors().get(0).relError()));
    }

    private float[] dx(float[] x, Targets t, float[] init) {
        float[] dx = init == null ? new float[x.length] : init.clone();
        loss.compute(x, 0, batch, features, t, dx, 0);
        return dx;
    }

    private PropertyResult written(String subject) {
        Random rnd = new Random(seed);
        float[] x = inputs(rnd);
        Targets t = targets(rnd);
        float[] once = dx(x, t, null);
        float[] onto = dx(x, t, once);
        Agreement.require(ContractProperty.ACCUMULATION, subject, "loss input gradient (written, not added)", onto, 0, once, 0,
                once.length, Agreement.EXACT, "into a filled dx vs into zeros");
        return PropertyResult.pass(ContractProperty.ACCUMULATION, "dL/dx written, not added");
    }

    private PropertyResult batchIndependence(String subject) {
        Random rnd = new Random(seed);
        float[] x = inputs(rnd);
        Targets t = targets(rnd);
        float[] base = dx(x, t, null);
        float[] x2 = inputs(new Random(seed + 7));
        for (int s : new int[]{0, batch - 1}) {
            float[] mixed = x2.clone();
            System.arraycopy(x, s * features, mixed, s * features, features);
            float[] other = dx(mixed, t, null);
            Agreement.require(ContractProperty.BATCH_INDEPENDENCE, subject, "loss input gradient of sample " + s
                    + " with the other samples changed", other, s * features, base, s * features, features,
                    Agreement.rounding(1e-6, 1e-30), "changed batch vs original batch");
        }
        return PropertyResult.pass(ContractProperty.BATCH_INDEPENDENCE, "dL/dx of the first and last sample unchanged when the others change");
    }

    private PropertyResult determinism(String subject) {
        Random rnd = new Random(seed);
        float[] x = inputs(rnd);
        Targets t = targets(rnd);
        float[] a = new float[x.length];
        float[] b = new float[x.length];
        double la = loss.compute(x, 0, batch, features, t, a, 0);
        double lb = loss.compute(x, 0, batch, features, t, b, 0);
        Agreement.require(ContractProperty.DETERMINISM, subject, "loss input gradient", b, 0, a, 0, a.length, Agreement.EXACT,
                "repeated call vs first call");
        if (Double.doubleToLongBits(la) != Double.doubleToLongBits(lb)) {
            throw new ContractViolation(new ContractViolation.Detail(ContractProperty.DETERMINISM, subject, "loss", 0, lb, la, 0,
                    "repeated call vs first call"));
        }
        return PropertyResult.pass(ContractProperty.DETERMINISM, "repeated call: bit-identical loss and dL/dx");
    }

    private PropertyResult shapeErrors(String subject) {
        Random rnd = new Random(seed);
        float[] x = inputs(rnd);
        Targets t = targets(rnd);
        float[] shortX = Arrays.copyOf(x, x.length - 1);
        float[] shortDx = new float[x.length - 1];
        String[] what = {"predictions one float short", "dx one float short"};
        for (int k = 0; k < 2; k++) {
            try {
                if (k == 0) {
                    loss.compute(shortX, 0, batch, features, t, null, 0);
                } else {
                    loss.compute(x, 0, batch, features, t, shortDx, 0);
                }
            } catch (dev.vecprop.ConfigException expected) {
                continue;
            } catch (RuntimeException e) {
                throw new ContractViolation(ContractProperty.SHAPE_ERRORS, subject, what[k] + " threw " + e
                        + " instead of ConfigException", e);
            }
            throw new ContractViolation(ContractProperty.SHAPE_ERRORS, subject, what[k] + " was accepted", null);
        }
        return PropertyResult.pass(ContractProperty.SHAPE_ERRORS, "short predictions and short dx refused with ConfigException");
    }
}
