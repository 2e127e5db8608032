package dev.vecprop.train;

import dev.vecprop.layer.Context;
import dev.vecprop.layer.Sequential;
import dev.vecprop.layer.Workspace;
import dev.vecprop.loss.Loss;
import dev.vecprop.loss.Targets;

import java.util.Locale;

/**
 * Adversarial examples from the input gradients that explicit backprop gives for free.
 * <ul>
 *   <li>FGSM (Goodfellow et al. 2015): {@code x' = clip(x + eps sign(dL/dx))};</li>
 *   <li>PGD (Madry et al. 2018): {@code steps} signed-gradient steps of size {@code alpha} from a
 *       seeded uniform start in the eps-ball, each projected back onto the ball.</li>
 * </ul>
 * {@code eps} and {@code alpha} are in pixel units (pixels in [0, 1]) under the L-infinity norm; the
 * model sees normalised inputs {@code (p - mean)/std}, so the attack works there with
 * {@code eps/std} and clips to the image of [0, 1]. Gradients are taken in eval mode with parameter
 * gradients off, so crafting never touches the model or its gradients.
 */
public final class Attack {
    /** The attack kinds. */
    public enum Kind {
        /** Fast gradient sign method: one step of size eps. */
        FGSM,
        /** Projected gradient descent: several steps of size alpha from a random start, projected onto the eps-ball. */
        PGD
    }

    private final Kind kind;
    private final float eps;
    private final float alpha;
    private final int steps;

    /**
     * An attack with explicit settings.
     *
     * @param kind  FGSM or PGD
     * @param eps   the L-infinity radius in pixel units (pixels in [0, 1]), in (0, 1]
     * @param alpha PGD's step size in pixel units, {@code > 0} (ignored by FGSM)
     * @param steps PGD's number of steps, {@code >= 1} (ignored by FGSM)
     * @throws dev.vecprop.ConfigException if eps is outside (0, 1], or PGD has {@code steps < 1} or {@code alpha <= 0}
     */
    public Attack(Kind kind, double eps, double alpha, int steps) {
        if (!(eps > 0 && eps <= 1)) {
            throw new dev.vecprop.ConfigException("attack eps must be in (0, 1] (pixel units), got " + eps);
        }
        if (kind == Kind.PGD && (steps < 1 || !(alpha > 0))) {
            throw new dev.vecprop.ConfigException("PGD needs steps >= 1 and alpha > 0");
        }
        this.kind = kind;
        this.eps = (float) eps;
        this.alpha = (float) alpha;
        this.steps = steps;
    }

    /**
     * An attack as the command line names it.
     *
     * @param kind  {@code fgsm} or {@code pgd} (any case)
     * @param eps   the L-infinity radius in pixel units, in (0, 1]
     * @param steps PGD's number of steps; {@code <= 0} for the default 10 (ignored by FGSM)
     * @param alpha PGD's step size in pixel units; {@code <= 0} for the default eps/4 (ignored by FGSM)
     * @return the attack
     * @throws dev.vecprop.ConfigException if the kind is unknown or eps is out of range
     */
    public static Attack parse(String kind, double eps, int steps, double alpha) {
        return switch (kind.toLowerCase(Locale.ROOT)) {
            case "fgsm" -> new Attack(Kind.FGSM, eps, eps, 1);
            case "pgd" -> new Attack(Kind.PGD, eps, alpha > 0 ? alpha : eps / 4, steps > 0 ? steps : 10);
            default -> throw new dev.vecprop.ConfigException("unknown attack '" + kind + "' (fgsm, pgd)");
        };
    }

    /** {@return the attack and its settings, e.g. {@code PGD(eps=0.1, alpha=0.025, steps=10)}} */
    public String describe() {
        return kind == Kind.FGSM ? String.format(Locale.ROOT, "FGSM(eps=%s)", eps)
                : String.format(Locale.ROOT, "PGD(eps=%s, alpha=%s, steps=%d)", eps, alpha, steps);
    }

    /**
     * Computes dL/dx of {@code n} samples into {@code grad}: one forward and one backward in eval
     * mode in the given workspace; parameter gradients are not touched, and the context's training
     * and parameter-gradient flags are put back afterwards.
     *
     * @param m    the model
     * @param ws   a workspace of {@code m} for at least {@code n} samples ({@code m.workspace(n)}); overwritten
     * @param ctx  the context to run in
     * @param loss the loss
     * @param x    the normalised inputs, row-major {@code [n][inputSize]} from {@code x[0]}
     * @param n    number of samples
     * @param t    the targets of the {@code n} samples
     * @param grad receives dL/dx, row-major {@code [n][inputSize]} from {@code grad[0]}
     * @return the loss of the {@code n} samples, reduced as the loss says
     */
    public static double inputGradient(Sequential m, Workspace ws, Context ctx, Loss loss, float[] x, int n,
                                       Targets t, float[] grad) {
        boolean wasTraining = ctx.training();
        boolean hadParamGrads = ctx.paramGrads();
        ctx.training(false).paramGrads(false);
        try {
            int out = m.outputShape().size();
            int yo = m.forward(ctx, ws, x, 0, n);
            double l = loss.compute(ws.data(), yo, n, out, t, ws.data(), ws.outputGradOffset());
            m.backward(ctx, ws, x, 0, n, grad, 0);
            return l;
        } finally {
            ctx.training(wasTraining).paramGrads(hadParamGrads);
        }
    }

    /**
     * Crafts adversarial versions of {@code n} samples, clipped to the normalised image of pixels [0, 1].
     *
     * @param m    the model (not changed)
     * @param ws   a workspace of {@code m} for at least {@code n} samples; overwritten
     * @param ctx  the context to run in
     * @param loss the loss whose gradient the attack ascends
     * @param x    the normalised inputs, row-major {@code [n][inputSize]} from {@code x[0]}; not changed
     * @param n    number of samples
     * @param t    the targets of the {@code n} samples
     * @param mean the inputs' normalisation mean ({@code x = (pixel - mean) / std})
     * @param std  the inputs' normalisation standard deviation, {@code > 0}
     * @param adv  receives the adversarial inputs, same layout as {@code x}; must not be {@code x}
     * @param grad scratch of at least {@code n * inputSize} floats
     * @param seed drives PGD's random start (the same seed gives the same examples)
     */
    public void craft(Sequential m, Workspace ws, Context ctx, Loss loss, float[] x, int n, Targets t,
                      float mean, float std, float[] adv, float[] grad, long seed) {
        int len = n * m.inputShape().size();
        float e = eps / std;
        float a = alpha / std;
        float lo = (0f - mean) / std;
        float hi = (1f - mean) / std;
        if (kind == Kind.FGSM) {
            inputGradient(m, ws, ctx, loss, x, n, t, grad);
            for (int i = 0; i < len; i++) {
                adv[i] = clamp(x[i] + e * Math.signum(grad[i]), lo, hi);
            }
            return;
        }
        long s = seed;
        for (int i = 0; i < len; i++) {
            s += 0x9E3779B97F4A7C15L;
            float u = (Shuffle.mix(s) >>> 40) * 0x1p-24f * 2f - 1f;
            adv[i] = clamp(x[i] + u * e, lo, hi);
        }
        for (int k = 0; k < steps; k++) {
            inputGradient(m, ws, ctx, loss, adv, n, t, grad);
            for (int i = 0; i < len; i++) {
                float v = adv[i] + a * Math.signum(grad[i]);
                v = Math.min(Math.max(v, x[i] - e), x[i] + e);
                adv[i] = clamp(v, lo, hi);
            }
        }
    }

    private static float clamp(float v, float lo, float hi) {
        return Math.min(Math.max(v, lo), hi);
    }
}
