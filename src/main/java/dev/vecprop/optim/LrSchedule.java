package dev.vecprop.optim;

import dev.vecprop.ConfigException;

import java.util.Locale;

/**
 * Learning rate as a function of progress: {@code lr(epoch, stepInEpoch, stepsPerEpoch)}, epoch
 * counted from 0. PyTorch's StepLR and CosineAnnealingLR (evaluated per step), and a linear
 * warm-up over the first steps wrapping any of them. The factories' {@link #describe()} names the
 * schedule and its settings; a checkpoint records it, so resuming with a different schedule is an error.
 */
@FunctionalInterface
public interface LrSchedule {
    /**
     * The learning rate of one optimizer step.
     *
     * @param epoch         the epoch, from 0
     * @param step          the step within the epoch, from 0
     * @param stepsPerEpoch optimizer steps per epoch
     * @return the learning rate for that step ({@code >= 0}, finite)
     */
    float lr(int epoch, long step, long stepsPerEpoch);

    /**
     * {@return the schedule and its settings, e.g. {@code cosine(lr=0.001, min=0.0, epochs=10)};
     * {@code custom} for a lambda}
     */
    default String describe() {
        return "custom";
    }

    /**
     * The same learning rate at every step.
     *
     * @param lr the learning rate, {@code > 0} and finite
     * @return the schedule
     * @throws ConfigException if {@code lr} is not positive and finite
     */
    static LrSchedule constant(float lr) {
        checkLr(lr);
        return named(fmt("constant(lr=%s)", lr), (e, s, n) -> lr);
    }

    /**
     * PyTorch's StepLR: {@code lr * gamma^(epoch / stepSize)}.
     *
     * @param lr       the initial learning rate, {@code > 0}
     * @param stepSize epochs between decays, {@code >= 1}
     * @param gamma    decay factor, in (0, 1]
     * @return the schedule
     * @throws ConfigException if a setting is out of range
     */
    static LrSchedule step(float lr, int stepSize, float gamma) {
        checkLr(lr);
        if (stepSize < 1) {
            throw new ConfigException("step schedule: step size must be >= 1 epoch, got " + stepSize);
        }
        if (!(gamma > 0 && gamma <= 1)) {
            throw new ConfigException("step schedule: gamma must be in (0, 1], got " + gamma);
        }
        return named(fmt("step(lr=%s, every=%d, gamma=%s)", lr, stepSize, gamma),
                (e, s, n) -> (float) (lr * Math.pow(gamma, e / stepSize)));
    }

    /**
     * Cosine from lr to minLr over {@code epochs}, per step: {@code min + (lr-min)(1+cos(pi t/T))/2}.
     *
     * @param lr     the initial learning rate, {@code > 0}
     * @param minLr  the final learning rate, in [0, lr]
     * @param epochs the length of the decay in epochs, {@code >= 1}; after it the rate stays at {@code minLr}
     * @return the schedule
     * @throws ConfigException if a setting is out of range
     */
    static LrSchedule cosine(float lr, float minLr, int epochs) {
        checkLr(lr);
        if (!(minLr >= 0 && minLr <= lr)) {
            throw new ConfigException("cosine schedule: minLr must be in [0, lr], got " + minLr);
        }
        if (epochs < 1) {
            throw new ConfigException("cosine schedule: epochs must be >= 1, got " + epochs);
        }
        return named(fmt("cosine(lr=%s, min=%s, epochs=%d)", lr, minLr, epochs), (e, s, n) -> {
            double t = e + (n > 0 ? (double) s / n : 0);
            double f = 0.5 * (1 + Math.cos(Math.PI * Math.min(t, epochs) / epochs));
            return (float) (minLr + (lr - minLr) * f);
        });
    }

    /**
     * Linear warm-up from lr/warmupSteps to the wrapped schedule over the first {@code warmupSteps} steps.
     *
     * @param inner       the schedule after the warm-up
     * @param warmupSteps optimizer steps of warm-up (counted over epochs), {@code >= 1}
     * @return the schedule
     * @throws ConfigException if {@code warmupSteps < 1}
     */
    static LrSchedule warmup(LrSchedule inner, long warmupSteps) {
        if (warmupSteps < 1) {
            throw new ConfigException("warm-up needs >= 1 steps, got " + warmupSteps);
        }
        return named(inner.describe() + " after " + warmupSteps + " warm-up steps", (e, s, n) -> {
            long global = (long) e * n + s;
            float base = inner.lr(e, s, n);
            return global < warmupSteps ? base * (global + 1) / warmupSteps : base;
        });
    }

    private static void checkLr(float lr) {
        if (!(lr > 0) || Float.isInfinite(lr)) {
            throw new ConfigException("learning rate must be a positive finite number, got " + lr);
        }
    }

    private static String fmt(String f, Object... a) {
        return String.format(Locale.ROOT, f, a);
    }

    private static LrSchedule named(String name, LrSchedule f) {
        return new LrSchedule() {
            @Override
            public float lr(int epoch, long step, long stepsPerEpoch) {
                return f.lr(epoch, step, stepsPerEpoch);
            }

            @Override
            public String describe() {
                return name;
            }
        };
    }
}
