package dev.vecprop.spark;

import dev.vecprop.train.Evaluation;

/**
 * One epoch of a {@link SparkTrainer} fit, as the driver saw it.
 *
 * @param epoch             the epoch, from 1
 * @param epochs            the fit's number of epochs
 * @param trainLoss         mean training loss of the epoch's steps
 * @param trainAccuracy     share of the epoch's training samples classified correctly before their update (NaN for regression)
 * @param validation        the validation set's evaluation after the epoch, or null without one
 * @param seconds           wall time of the epoch's rounds (without the evaluation)
 * @param samplesPerSecond  training samples per second over all partitions
 * @param rounds            rounds (Spark jobs) in the epoch
 * @param roundMillis       median wall time of a round on the driver: broadcast, job, collect and combine
 * @param computeMillis     median of the slowest partition's compute time per round (inside the task)
 */
public record EpochReport(int epoch, int epochs, double trainLoss, double trainAccuracy, Evaluation validation,
                          double seconds, double samplesPerSecond, long rounds, double roundMillis, double computeMillis) {}
