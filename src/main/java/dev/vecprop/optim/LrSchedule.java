package dev.vecprop.optim;

/**
 * Learning rate as a function of progress: {@code lr(epoch, stepInEpoch, stepsPerEpoch)}, epoch
 * counted from 0. PyTorch's StepLR and CosineAnnealingLR (per epoch), and a linear warm-up over
 * the first steps wrapping any of them.
 */
@FunctionalInterface
public interface LrSchedule {
    float lr(int epoch, long step, long stepsPerEpoch);

    static LrSchedule constant(float lr) {
        return (e, s, n) -> lr;
    }

    /** {@code lr * gamma^(epoch / stepSize)}. */
    static LrSchedule step(float lr, int stepSize, float gamma) {
        if (stepSize < 1) {
            throw new IllegalArgumentException("step schedule: step size must be >= 1 epoch, got " + stepSize);
        }
        return (e, s, n) -> (float) (lr * Math.pow(gamma, e / stepSize));
    }

    /** Cosine from lr to minLr over {@code epochs}, per step: {@code min + (lr-min)(1+cos(pi t/T))/2}. */
    static LrSchedule cosine(float lr, float minLr, int epochs) {
        return (e, s, n) -> {
            double t = e + (n > 0 ? (double) s / n : 0);
            double f = 0.5 * (1 + Math.cos(Math.PI * Math.min(t, epochs) / epochs));
            return (float) (minLr + (lr - minLr) * f);
        };
    }

    /** Linear warm-up from lr/warmupSteps to the wrapped schedule over the first {@code warmupSteps} steps. */
    static LrSchedule warmup(LrSchedule inner, long warmupSteps) {
        return (e, s, n) -> {
            long global = (long) e * n + s;
            float base = inner.lr(e, s, n);
            return global < warmupSteps ? base * (global + 1) / warmupSteps : base;
        };
    }
}
