package dev.vecprop.train;

import dev.vecprop.ConfigException;

import java.util.List;
import java.util.Locale;

/**
 * Metrics of a model on a data set: the mean loss per sample and, for a classifier, accuracy,
 * top-k accuracy, the confusion matrix (rows = true class, columns = predicted) and per-class
 * precision, recall and F1. A binary classifier (one output, two classes) counts class 1 as the
 * positive class. For real-valued targets only {@link #loss()} is meaningful ({@link #classes()} is 0).
 *
 * @param samples    samples evaluated
 * @param loss       mean loss per sample (the loss's own reduction within a sample)
 * @param correct    samples whose predicted class is the true one
 * @param confusion  {@code confusion[t][p]}: samples of true class t predicted as p ({@code k x k}; {@code 0 x 0} for regression)
 * @param rankCounts {@code rankCounts[r]}: samples whose true class had rank r among the outputs (0 = predicted)
 * @param binary     one output scored as "class 1 vs class 0"
 */
public record Evaluation(int samples, double loss, long correct, long[][] confusion, long[] rankCounts, boolean binary) {

    /** {@return the number of classes, 0 for a model with real-valued targets} */
    public int classes() {
        return confusion.length;
    }

    /** {@return the share of samples classified correctly, in [0, 1] (NaN for regression)} */
    public double accuracy() {
        if (classes() == 0) {
            return Double.NaN;
        }
        return samples == 0 ? 0 : (double) correct / samples;
    }

    /**
     * Top-k accuracy.
     *
     * @param k how many of the top-ranked classes count, {@code >= 1}
     * @return the share of samples whose true class is among the k highest outputs, in [0, 1] (NaN for regression)
     * @throws dev.vecprop.ConfigException if {@code k < 1}
     */
    public double topKAccuracy(int k) {
        if (k < 1) {
            throw new dev.vecprop.ConfigException("top-k accuracy needs k >= 1, got " + k);
        }
        if (classes() == 0) {
            return Double.NaN;
        }
        long n = 0;
        for (int r = 0; r < Math.min(k, rankCounts.length); r++) {
            n += rankCounts[r];
        }
        return samples == 0 ? 0 : (double) n / samples;
    }

    /**
     * Precision of one class.
     *
     * @param c a class in {@code 0..classes()-1}
     * @return TP / (TP + FP) for class c (0 when nothing was predicted as c)
     */
    public double precision(int c) {
        long tp = confusion[c][c];
        long predicted = 0;
        for (long[] row : confusion) {
            predicted += row[c];
        }
        return predicted == 0 ? 0 : (double) tp / predicted;
    }

    /**
     * Recall of one class.
     *
     * @param c a class in {@code 0..classes()-1}
     * @return TP / (TP + FN) for class c (0 when class c does not occur)
     */
    public double recall(int c) {
        long tp = confusion[c][c];
        long actual = 0;
        for (long v : confusion[c]) {
            actual += v;
        }
        return actual == 0 ? 0 : (double) tp / actual;
    }

    /**
     * F1 score of one class.
     *
     * @param c a class in {@code 0..classes()-1}
     * @return the harmonic mean of {@link #precision(int)} and {@link #recall(int)} (0 when both are 0)
     */
    public double f1(int c) {
        double p = precision(c);
        double r = recall(c);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /** {@return the unweighted mean of the per-class F1 scores (NaN for regression)} */
    public double macroF1() {
        if (classes() == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (int c = 0; c < classes(); c++) {
            s += f1(c);
        }
        return s / classes();
    }

    /** {@return precision of the positive class 1 (binary classifiers; any classifier: class 1)} */
    public double precision() {
        return precision(1);
    }

    /** {@return recall of the positive class 1 (binary classifiers; any classifier: class 1)} */
    public double recall() {
        return recall(1);
    }

    /** {@return the confusion matrix as a text table, one row per true class} */
    public String confusionTable() {
        StringBuilder b = new StringBuilder("true\\pred");
        int k = confusion.length;
        for (int j = 0; j < k; j++) {
            b.append(String.format(Locale.ROOT, "%7d", j));
        }
        b.append('\n');
        for (int i = 0; i < k; i++) {
            b.append(String.format(Locale.ROOT, "%9d", i));
            for (int j = 0; j < k; j++) {
                b.append(String.format(Locale.ROOT, "%7d", confusion[i][j]));
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** {@return per-class precision, recall and F1 as a text table, one row per class index} */
    public String classReport() {
        return classReport(null);
    }

    /**
     * Per-class precision, recall and F1 as a text table, a row per class labelled with its name.
     *
     * @param classNames the name of every class, indexed by label; null for the class indices
     * @return the table, one line per class after a header line
     * @throws ConfigException if {@code classNames} is not null and its size is not {@link #classes()}
     */
    public String classReport(List<String> classNames) {
        if (classNames != null && classNames.size() != classes()) {
            throw new ConfigException("classReport: " + classNames.size() + " class names for " + classes() + " classes");
        }
        int w = 5;
        for (int c = 0; classNames != null && c < classes(); c++) {
            w = Math.max(w, String.valueOf(classNames.get(c)).length());
        }
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%" + w + "s  precision  recall      f1  support%n", "class"));
        for (int c = 0; c < classes(); c++) {
            long support = 0;
            for (long v : confusion[c]) {
                support += v;
            }
            String name = classNames == null ? Integer.toString(c) : String.valueOf(classNames.get(c));
            b.append(String.format(Locale.ROOT, "%" + w + "s  %9.4f  %6.4f  %6.4f  %7d%n", name, precision(c), recall(c), f1(c), support));
        }
        return b.toString();
    }
}
