package dev.vecprop.train;

/**
 * Test-set metrics: mean loss, accuracy, the confusion matrix (rows = true class, columns =
 * predicted), and for a binary classifier precision and recall of the positive class.
 */
public record Evaluation(int samples, double loss, int correct, long[][] confusion, boolean binary) {

    public double accuracy() {
        return samples == 0 ? 0 : (double) correct / samples;
    }

    /** Binary: TP / (TP + FP). */
    public double precision() {
        long tp = confusion[1][1];
        long fp = confusion[0][1];
        return tp + fp == 0 ? 0 : (double) tp / (tp + fp);
    }

    /** Binary: TP / (TP + FN). */
    public double recall() {
        long tp = confusion[1][1];
        long fn = confusion[1][0];
        return tp + fn == 0 ? 0 : (double) tp / (tp + fn);
    }

    /** The confusion matrix as text. */
    public String confusionTable() {
        StringBuilder b = new StringBuilder("true\\pred");
        int k = confusion.length;
        for (int j = 0; j < k; j++) {
            b.append(String.format("%7d", j));
        }
        b.append('\n');
        for (int i = 0; i < k; i++) {
            b.append(String.format("%9d", i));
            for (int j = 0; j < k; j++) {
                b.append(String.format("%7d", confusion[i][j]));
            }
            b.append('\n');
        }
        return b.toString();
    }
}
