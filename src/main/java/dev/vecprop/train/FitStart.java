package dev.vecprop.train;

import dev.vecprop.layer.Sequential;

/**
 * What {@link Trainer#fit} is about to do.
 *
 * @param model           the model being trained
 * @param trainSamples    samples per epoch
 * @param batchSize       samples per optimizer step
 * @param stepsPerEpoch   optimizer steps per epoch
 * @param epochs          epochs in total
 * @param startEpoch      the first epoch to run (from 0; later than 0 when resuming)
 * @param threads         worker threads
 * @param optimizer       the optimizer, as {@code Optimizer.describe()} says
 * @param loss            the loss, as {@code Loss.describe()} says
 * @param schedule        the learning-rate schedule, as {@code LrSchedule.describe()} says
 * @param validation      whether each epoch is evaluated on a validation set
 */
public record FitStart(Sequential model, int trainSamples, int batchSize, long stepsPerEpoch, int epochs, int startEpoch,
                       int threads, String optimizer, String loss, String schedule, boolean validation) {}
