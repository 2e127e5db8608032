package dev.vecprop.spark;

import dev.vecprop.data.ArrayDataSource;
import dev.vecprop.data.DataSource;
import dev.vecprop.layer.Shape;
import org.apache.spark.api.java.function.Function2;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * A partition's samples as one cached {@link Shard}: features packed row-major into one array,
 * labels or targets into another, checked against the model's input and output sizes.
 */
final class ToShard implements Function2<Integer, Iterator<Sample>, Iterator<Shard>> {
    private static final long serialVersionUID = 1L;

    private final int[] offsets;
    private final int[] counts;
    private final int[] inputDims;
    private final int outputs;

    ToShard(int[] offsets, int[] counts, int[] inputDims, int outputs) {
        this.offsets = offsets;
        this.counts = counts;
        this.inputDims = inputDims;
        this.outputs = outputs;
    }

    @Override
    public Iterator<Shard> call(Integer p, Iterator<Sample> it) {
        Shape shape = Shape.of(inputDims);
        int in = shape.size();
        int n = counts[p];
        float[] x = new float[n * in];
        int[] labels = null;
        float[] targets = null;
        int i = 0;
        while (it.hasNext()) {
            Sample s = it.next();
            if (i >= n) {
                throw new IllegalStateException("partition " + p + " holds more than the " + n
                        + " samples counted before: the RDD must give the same samples every time (cache or checkpoint it)");
            }
            if (s.features().length != in) {
                throw new IllegalArgumentException("sample " + i + " of partition " + p + " has " + s.features().length
                        + " features, the model takes " + shape + " = " + in);
            }
            System.arraycopy(s.features(), 0, x, i * in, in);
            if (s.target() == null) {
                if (targets != null) {
                    throw new IllegalArgumentException("sample " + i + " of partition " + p + " has a label, the others targets");
                }
                if (labels == null) {
                    labels = new int[n];
                }
                labels[i] = s.label();
            } else {
                if (labels != null) {
                    throw new IllegalArgumentException("sample " + i + " of partition " + p + " has a target, the others labels");
                }
                if (s.target().length != outputs) {
                    throw new IllegalArgumentException("sample " + i + " of partition " + p + " has a target of "
                            + s.target().length + " values, the model has " + outputs + " outputs");
                }
                if (targets == null) {
                    targets = new float[n * outputs];
                }
                System.arraycopy(s.target(), 0, targets, i * outputs, outputs);
            }
            i++;
        }
        if (i != n) {
            throw new IllegalStateException("partition " + p + " holds " + i + " samples, " + n
                    + " were counted before: the RDD must give the same samples every time (cache or checkpoint it)");
        }
        DataSource source = null;
        if (n > 0) {
            source = labels != null
                    ? ArrayDataSource.labeled(x, shape, labels, outputs == 1 ? 2 : outputs)
                    : ArrayDataSource.regression(x, shape, targets, outputs);
        }
        return List.of(new Shard(p, offsets[p], offsets[p] + n, source)).iterator();
    }

    @Override
    public String toString() {
        return "ToShard" + Arrays.toString(counts);
    }
}
