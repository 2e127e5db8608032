package dev.vecprop.spark;

import java.io.Serializable;

/**
 * The driver's state at the start of one round, broadcast to the round's tasks: the parameters and
 * buffers (flat, in the store's physical layout), and in {@link Mode#AVG} the optimizer state and
 * the learning rates of the round's local steps.
 */
final class RoundState implements Serializable {
    private static final long serialVersionUID = 1L;

    final long round;
    final int epoch;
    /** Steps of the epoch done before this round (sync: global steps; avg: each partition's local steps). */
    final long stepInEpoch;
    final long globalStep;
    /** Avg: one learning rate per local step of the round. */
    final float[] lrs;
    final float[] values;
    final float[] buffers;
    /** Avg: the optimizer's state arrays in {@code stateArrays()} order, and its step count. */
    final float[][] optState;
    final long optSteps;

    RoundState(long round, int epoch, long stepInEpoch, long globalStep, float[] lrs, float[] values, float[] buffers,
               float[][] optState, long optSteps) {
        this.round = round;
        this.epoch = epoch;
        this.stepInEpoch = stepInEpoch;
        this.globalStep = globalStep;
        this.lrs = lrs;
        this.values = values;
        this.buffers = buffers;
        this.optState = optState;
        this.optSteps = optSteps;
    }
}
