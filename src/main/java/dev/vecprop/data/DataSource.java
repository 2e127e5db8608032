package dev.vecprop.data;

import dev.vecprop.ConfigException;
import dev.vecprop.layer.Shape;

import java.util.SplittableRandom;

/**
 * Samples a model trains or is evaluated on: {@link #size()} samples of {@link #sampleShape()}
 * floats each, with either a class label per sample ({@link #classes()} {@code > 0}) or a
 * real-valued target of {@link #targetSize()} floats per sample (regression; {@code classes() == 0}).
 *
 * <p>Implementations: {@link IdxDataset} (memory-mapped IDX files), {@link ArrayDataSource}
 * (in-memory arrays), the views {@link #subset}, {@link #head} and {@link #split}, or a user's own
 * class. The trainer calls {@link #gather} once per mini-batch into buffers it reuses: an
 * implementation should copy without allocating. Sources are read from one thread at a time.
 */
public interface DataSource {

    /** {@return the number of samples, {@code >= 1}} */
    int size();

    /** {@return the shape of one sample, without the batch dimension, e.g. {@code (1,28,28)}} */
    Shape sampleShape();

    /**
     * {@return the number of classes of a labelled source (labels are {@code 0..classes-1}), or 0
     * for real-valued targets}
     */
    int classes();

    /** {@return floats per sample's target for a real-valued source; 0 for a labelled one} */
    default int targetSize() {
        return 0;
    }

    /**
     * Copies samples {@code order[from .. from+count)} (or {@code from .. from+count} when
     * {@code order} is null) row by row into {@code x} from offset {@code xo} ({@code count} rows of
     * {@code sampleShape().size()} floats), and their labels into {@code labels[lo ..]} (labelled
     * source, unless {@code labels} is null) or their targets into {@code targets[to ..]} ({@code count}
     * rows of {@link #targetSize()} floats; real-valued source, unless {@code targets} is null).
     *
     * @param order   sample indices, or null for consecutive samples
     * @param from    first position in {@code order} (or first sample)
     * @param count   number of samples
     * @param x       destination of the features
     * @param xo      offset in {@code x}
     * @param labels  destination of the labels, or null
     * @param lo      offset in {@code labels}
     * @param targets destination of the real-valued targets, or null
     * @param to      offset in {@code targets}
     */
    void gather(int[] order, int from, int count, float[] x, int xo, int[] labels, int lo, float[] targets, int to);

    /**
     * The normalisation already applied to the features, {@code x = (raw - mean) / std}, where raw
     * is the natural scale of the data (pixels in [0, 1]). Adversarial attacks and augmentation use it
     * to clip to the raw range and to fill blank pixels; checkpoints record it so that inference
     * applies the same normalisation. The default is none ({@code mean 0, std 1}).
     *
     * @return the normalisation of the features
     */
    default Normalization normalization() {
        return Normalization.NONE;
    }

    /** {@return a short name for messages, e.g. the image file's name} */
    default String name() {
        return getClass().getSimpleName();
    }

    /**
     * The label of one sample.
     *
     * @param i sample index in {@code 0..size()-1}
     * @return its class label
     * @throws ConfigException if this source has real-valued targets
     */
    default int label(int i) {
        if (classes() == 0) {
            throw new ConfigException(name() + " has real-valued targets, not labels");
        }
        int[] y = new int[1];
        gather(new int[]{i}, 0, 1, new float[sampleShape().size()], 0, y, 0, null, 0);
        return y[0];
    }

    /**
     * A view of some of this source's samples, in the given order.
     *
     * @param indices sample indices, each in {@code 0..size()-1} (copied)
     * @return the view
     * @throws ConfigException if {@code indices} is empty or an index is out of range
     */
    default DataSource subset(int[] indices) {
        return new SubsetSource(this, indices);
    }

    /**
     * A view with every label mapped, e.g. "digit 3 vs the rest" as
     * {@code mapLabels(y -> y == 3 ? 1 : 0, 2)} for a one-output binary classifier.
     *
     * @param map     old label to new label, each in {@code 0..classes-1}
     * @param classes the number of classes after the mapping
     * @return the view
     * @throws ConfigException if this source has real-valued targets or {@code classes < 1}; a label
     *                         mapped outside {@code 0..classes-1} is reported when it is read
     */
    default DataSource mapLabels(java.util.function.IntUnaryOperator map, int classes) {
        return new RelabeledSource(this, map, classes);
    }

    /**
     * The first {@code n} samples.
     *
     * @param n samples to keep, {@code 1..size()}
     * @return this source if {@code n == size()}, else a view
     * @throws ConfigException if {@code n} is outside {@code 1..size()}
     */
    default DataSource head(int n) {
        if (n < 1 || n > size()) {
            throw new ConfigException(name() + ": head(" + n + ") needs 1.." + size() + " samples");
        }
        if (n == size()) {
            return this;
        }
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        return subset(idx);
    }

    /**
     * Splits off a validation set: a seeded random {@code fraction} of the samples become the
     * validation view, the rest the training view (both keep this source's order within them).
     *
     * @param fraction share of samples for validation, in (0, 1); both parts must be non-empty
     * @param seed     seed of the random choice
     * @return the two views
     * @throws ConfigException if {@code fraction} is outside (0, 1) or leaves a part empty
     */
    default Split split(double fraction, long seed) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new ConfigException("validation split must be in (0, 1), got " + fraction);
        }
        int n = size();
        int nv = (int) Math.round(n * fraction);
        if (nv < 1 || nv >= n) {
            throw new ConfigException("validation split " + fraction + " of " + n + " samples leaves an empty part");
        }
        // choose nv of n by a seeded Fisher-Yates prefix, then keep both parts in index order
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < nv; i++) {
            int j = i + r.nextInt(n - i);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        boolean[] val = new boolean[n];
        for (int i = 0; i < nv; i++) {
            val[perm[i]] = true;
        }
        int[] vi = new int[nv];
        int[] ti = new int[n - nv];
        int a = 0;
        int b = 0;
        for (int i = 0; i < n; i++) {
            if (val[i]) {
                vi[a++] = i;
            } else {
                ti[b++] = i;
            }
        }
        return new Split(subset(ti), subset(vi));
    }

    /**
     * A training part and a validation part of one source.
     *
     * @param train      the samples to train on
     * @param validation the held-out samples
     */
    record Split(DataSource train, DataSource validation) {}
}
