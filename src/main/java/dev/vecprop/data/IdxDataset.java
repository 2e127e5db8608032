package dev.vecprop.data;

import dev.vecprop.kernel.ByteToFloat;
import dev.vecprop.layer.Shape;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Images and labels from a pair of mapped IDX files, validated together: equal counts, 1-D labels,
 * every label in {@code 0..classes-1}. Batches are gathered through an index order straight from the
 * mapping into a caller's reused float buffer (u8 pixels via the SIMD conversion), scaled to [0, 1]
 * and optionally normalised: {@code x = (pixel/255 - mean) / std}.
 */
public final class IdxDataset implements DataSource, AutoCloseable {
    private final IdxFile images;
    private final IdxFile labels;
    private final int classes;
    private final int itemSize;
    private final Shape shape;
    private float scale;
    private float shift;
    private Normalization norm = Normalization.NONE;

    private IdxDataset(IdxFile images, IdxFile labels, int classes) {
        this.images = images;
        this.labels = labels;
        this.classes = classes;
        this.itemSize = images.itemSize();
        int[] d = images.dims();
        this.shape = d.length == 1 ? Shape.of(1) : d.length == 3 ? Shape.of(1, d[1], d[2])
                : Shape.of(Arrays.copyOfRange(d, 1, d.length));
        normalize(0f, 1f);
    }

    /**
     * Opens and cross-checks an image file and a label file (see {@link IdxFile#openImages} and
     * {@link IdxFile#openLabels}); no normalisation is set (pixels scaled to [0, 1]).
     *
     * @param imageFile the raw IDX image file: unsigned bytes, {@code count x H x W} (or {@code count x N})
     * @param labelFile the raw IDX label file: integers, {@code count} of them
     * @param classes   the number of classes, each label must be in {@code 0..classes-1}; {@code <= 0}
     *                  infers it from the largest label (+1)
     * @return the open data set, holding both mappings until {@link #close()}
     * @throws InvalidDataException if a file is missing or invalid, the counts differ, or a label is
     *                              negative or not below {@code classes}
     */
    public static IdxDataset open(Path imageFile, Path labelFile, int classes) {
        IdxFile img = IdxFile.openImages(imageFile);
        IdxFile lab;
        try {
            lab = IdxFile.openLabels(labelFile);
        } catch (RuntimeException e) {
            img.close();
            throw e;
        }
        try {
            if (lab.dims().length != 1) {
                throw new InvalidDataException(labelFile, "labels must be 1-D, got dimensions "
                        + Arrays.toString(lab.dims()));
            }
            if (lab.count() != img.count()) {
                throw new InvalidDataException(labelFile, "has " + lab.count() + " labels but "
                        + imageFile.getFileName() + " has " + img.count() + " images");
            }
            int max = -1;
            for (int i = 0; i < lab.count(); i++) {
                int y = lab.getInt(i);
                if (y < 0 || (classes > 0 && y >= classes)) {
                    throw new InvalidDataException(labelFile, "label " + y + " at index " + i + " is outside 0.."
                            + (classes > 0 ? classes - 1 : Integer.MAX_VALUE));
                }
                max = Math.max(max, y);
            }
            return new IdxDataset(img, lab, classes > 0 ? classes : max + 1);
        } catch (RuntimeException e) {
            img.close();
            lab.close();
            throw e;
        }
    }

    /**
     * Sets the normalisation of the gathered features in place: {@code x = (pixel/255 - mean) / std}
     * (see {@link #pixelStats()} for the data set's own values).
     *
     * @param mean the mean to subtract, on the [0, 1] pixel scale, finite
     * @param std  the divisor, {@code > 0} and finite
     * @return this data set
     * @throws dev.vecprop.ConfigException if {@code std} is not positive or a value is not finite
     */
    public IdxDataset normalize(float mean, float std) {
        if (!(std > 0) || !Float.isFinite(mean)) {
            throw new dev.vecprop.ConfigException("normalisation needs std > 0 and a finite mean, got mean "
                    + mean + " std " + std);
        }
        float base = 1f / 255f;
        this.scale = base / std;
        this.shift = -mean / std;
        this.norm = new Normalization(mean, std);
        return this;
    }

    @Override
    public int size() {
        return images.count();
    }

    @Override
    public Normalization normalization() {
        return norm;
    }

    @Override
    public String name() {
        return images.path().getFileName().toString();
    }

    @Override
    public void gather(int[] order, int from, int count, float[] x, int xo, int[] labels, int lo, float[] targets, int to) {
        gather(order, from, count, x, xo, labels, lo);
    }

    /** Shape of one sample: {@code (1,H,W)} for 3-D image files. */
    @Override
    public Shape sampleShape() {
        return shape;
    }

    /** {@return pixels per sample, the product of the image file's dimensions after the count} */
    public int itemSize() {
        return itemSize;
    }

    @Override
    public int classes() {
        return classes;
    }

    @Override
    public int label(int i) {
        return labels.getInt(i);
    }

    /** {@return the path of the image file} */
    public Path imagePath() {
        return images.path();
    }

    /**
     * Computes the mean and the (population) standard deviation over every pixel of every image, on
     * the [0, 1] scale and ignoring the current normalisation, e.g. as input to {@link #normalize}.
     * Reads the whole image file.
     *
     * @return {@code {mean, std}}
     */
    public double[] pixelStats() {
        double s = 0;
        double ss = 0;
        float[] row = new float[itemSize];
        float savedScale = scale;
        float savedShift = shift;
        scale = 1f / 255f;
        shift = 0f;
        for (int i = 0; i < size(); i++) {
            copyItem(i, row, 0);
            for (float v : row) {
                s += v;
                ss += (double) v * v;
            }
        }
        scale = savedScale;
        shift = savedShift;
        double n = (double) size() * itemSize;
        double mean = s / n;
        return new double[]{mean, Math.sqrt(Math.max(ss / n - mean * mean, 0))};
    }

    /**
     * Gathers normalised samples {@code order[from .. from+count)} (or samples {@code from ..
     * from+count} when {@code order} is null) and their labels, as {@link DataSource#gather}.
     *
     * @param order sample indices, or null for consecutive samples
     * @param from  first position in {@code order} (or first sample)
     * @param count number of samples
     * @param x     destination of the features: {@code count} rows of {@link #itemSize()} floats,
     *              row-major, starting at {@code x[xo]}
     * @param xo    offset in {@code x}
     * @param y     destination of the labels, {@code y[yo .. yo+count)}, or null to skip them
     * @param yo    offset in {@code y}
     */
    public void gather(int[] order, int from, int count, float[] x, int xo, int[] y, int yo) {
        for (int k = 0; k < count; k++) {
            int i = order == null ? from + k : order[from + k];
            copyItem(i, x, xo + k * itemSize);
            if (y != null) {
                y[yo + k] = labels.getInt(i);
            }
        }
    }

    private void copyItem(int i, float[] x, int xo) {
        // images are unsigned bytes (IdxFile.openImages checked it)
        ByteToFloat.u8ToF32(images.payload(), (long) i * itemSize, x, xo, itemSize, scale, shift);
    }

    @Override
    public void close() {
        images.close();
        labels.close();
    }
}
