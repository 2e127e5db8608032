package dev.vecprop.spark;

import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.Row;

import java.util.List;

/**
 * A Dataset row's features column ({@code array<float>}, {@code array<double>} or an ML
 * {@code Vector}) and label column (an integral number: a class; an array: a regression target)
 * as a {@link Sample}. Errors name the column and what was found.
 */
final class RowToSample implements Function<Row, Sample> {
    private static final long serialVersionUID = 1L;

    private final String featuresColumn;
    private final String labelColumn;

    RowToSample(String featuresColumn, String labelColumn) {
        this.featuresColumn = featuresColumn;
        this.labelColumn = labelColumn;
    }

    @Override
    public Sample call(Row row) {
        float[] x = floats(row.get(row.fieldIndex(featuresColumn)), featuresColumn);
        Object y = row.get(row.fieldIndex(labelColumn));
        if (y instanceof Number num) {
            double d = num.doubleValue();
            if (d != Math.rint(d) || d < 0 || d > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("column " + labelColumn + ": a class label must be an integer >= 0, got " + y);
            }
            return Sample.labeled(x, (int) d);
        }
        return Sample.regression(x, floats(y, labelColumn));
    }

    private static float[] floats(Object v, String column) {
        if (v == null) {
            throw new IllegalArgumentException("column " + column + ": null value");
        }
        if (v instanceof scala.collection.Seq<?> seq) {
            v = scala.jdk.javaapi.CollectionConverters.asJava(seq);
        }
        if (v instanceof List<?> list) {
            float[] f = new float[list.size()];
            for (int i = 0; i < f.length; i++) {
                Object e = list.get(i);
                if (!(e instanceof Number n)) {
                    throw new IllegalArgumentException("column " + column + ": element " + i + " is " + e + ", expected a number");
                }
                f[i] = n.floatValue();
            }
            return f;
        }
        try { // org.apache.spark.ml.linalg.Vector (spark-mllib) without a compile-time dependency on it
            Object a = v.getClass().getMethod("toArray").invoke(v);
            if (a instanceof double[] d) {
                float[] f = new float[d.length];
                for (int i = 0; i < f.length; i++) {
                    f[i] = (float) d[i];
                }
                return f;
            }
        } catch (ReflectiveOperationException ignored) {
            // not a vector: reported below
        }
        throw new IllegalArgumentException("column " + column + ": expected array<float>, array<double> or a Vector, got "
                + v.getClass().getName());
    }
}
