package dev.vecprop.spark;

import java.util.List;
import java.util.Set;

/**
 * The outcome of a {@link SparkTrainer} fit.
 *
 * @param epochs            every epoch's report
 * @param mode              sync or avg
 * @param partitions        the number of partitions (data-parallel workers)
 * @param rounds            rounds (Spark jobs) run in this fit
 * @param steps             optimizer steps (sync: global steps; avg: each partition's local steps)
 * @param trainSeconds      wall time of all rounds
 * @param samplesPerSecond  training samples per second over the fit
 * @param roundMillis       median wall time of a round on the driver
 * @param computeMillis     median of the slowest partition's compute time per round
 * @param bytesPerRound     bytes moved per round: the broadcast state once per partition plus every partition's result
 * @param executorVectors   each executor's vector configuration, e.g. {@code "exec 0: 512-bit (...)"}
 */
public record SparkFitResult(List<EpochReport> epochs, Mode mode, int partitions, long rounds, long steps,
                             double trainSeconds, double samplesPerSecond, double roundMillis, double computeMillis,
                             long bytesPerRound, Set<String> executorVectors) {
    /** {@return the last epoch's report} */
    public EpochReport last() {
        return epochs.get(epochs.size() - 1);
    }
}
