package dev.vecprop.train;

/**
 * The order of training samples in an epoch: a Fisher-Yates shuffle driven by SplitMix64 seeded
 * from (seed, epoch) alone, so any epoch's order can be recomputed on resume without saved RNG state.
 */
public final class Shuffle {
    private Shuffle() {}

    /**
     * Fills {@code order} with the epoch's permutation of {@code 0..order.length-1}.
     *
     * @param order   the array to fill; its length is the number of samples
     * @param seed    the run's seed
     * @param epoch   the epoch, from 0
     * @param shuffle false for the identity order
     */
    public static void permutation(int[] order, long seed, int epoch, boolean shuffle) {
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        if (!shuffle) {
            return;
        }
        long state = mix(seed * 0x9E3779B97F4A7C15L + epoch + 1);
        for (int i = order.length - 1; i > 0; i--) {
            state += 0x9E3779B97F4A7C15L;
            long r = mix(state) >>> 1;
            int j = (int) (r % (i + 1));
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
