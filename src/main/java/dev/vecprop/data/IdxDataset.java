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
     * Opens and cross-checks an image file and a label file. {@code classes <= 0} infers the class
     * count from the largest label.
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

    /** Sets the normalisation: {@code x = (pixel/255 - mean) / std}. */
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

    /** Elements per sample. */
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

    public Path imagePath() {
        return images.path();
    }

    /** Mean and standard deviation of all pixels after the base scaling (for normalisation). */
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
     * Gathers samples {@code order[from .. from+count)} into {@code x} (count rows of itemSize, from
     * xo) and their labels into {@code y} (from yo, unless y is null).
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
