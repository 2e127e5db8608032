package dev.vecprop.train;

import dev.vecprop.concurrent.WorkerPool;
import dev.vecprop.data.IdxDataset;
import dev.vecprop.kernel.RowSoftmax;
import dev.vecprop.layer.Context;
import dev.vecprop.layer.Sequential;
import dev.vecprop.layer.Workspace;
import dev.vecprop.loss.BCEWithLogits;
import dev.vecprop.loss.Loss;
import dev.vecprop.loss.SoftmaxCrossEntropy;
import dev.vecprop.loss.Targets;

/** Evaluates a model on a data set in eval mode, 1000 samples at a time. */
public final class Evaluator {
    private Evaluator() {}

    static final int BATCH = 1000;

    /** Mean loss, accuracy and confusion matrix; {@code binaryDigit >= 0} scores "digit vs rest". */
    public static Evaluation evaluate(Sequential model, IdxDataset data, int binaryDigit, WorkerPool pool) {
        int n = data.size();
        int f = data.itemSize();
        int out = model.outputShape().size();
        int b = Math.min(BATCH, n);
        Workspace ws = model.workspace(b);
        float[] x = new float[b * f];
        int[] y = new int[b];
        boolean binary = binaryDigit >= 0;
        int k = binary ? 2 : out;
        long[][] conf = new long[k][k];
        Context ctx = new Context(pool, false, 0);
        double lossSum = 0;
        int correct = 0;
        for (int from = 0; from < n; from += b) {
            int m = Math.min(b, n - from);
            data.gather(null, from, m, x, 0, y, 0);
            int yo = model.forward(ctx, ws, x, 0, m);
            float[] d = ws.data();
            for (int i = 0; i < m; i++) {
                int row = yo + i * out;
                int truth;
                int pred;
                if (binary) {
                    truth = y[i] == binaryDigit ? 1 : 0;
                    double z = d[row];
                    pred = z > 0 ? 1 : 0;
                    lossSum += Math.max(z, 0) - z * truth + Math.log1p(Math.exp(-Math.abs(z)));
                } else {
                    truth = y[i];
                    pred = 0;
                    for (int j = 1; j < out; j++) {
                        if (d[row + j] > d[row + pred]) {
                            pred = j;
                        }
                    }
                    lossSum += RowSoftmax.logSumExp(d, row, out) - d[row + truth];
                }
                conf[truth][pred]++;
                if (truth == pred) {
                    correct++;
                }
            }
        }
        return new Evaluation(n, lossSum / n, correct, conf, binary);
    }

    /**
     * Accuracy on adversarial versions of the test set, each batch crafted by {@code attack} against
     * the model itself (white box); {@code mean/std} is the input normalisation the data set applies.
     */
    public static Evaluation evaluateRobust(Sequential model, IdxDataset data, int binaryDigit, WorkerPool pool,
                                            Attack attack, float mean, float std) {
        int n = data.size();
        int f = data.itemSize();
        int out = model.outputShape().size();
        int b = Math.min(BATCH, n);
        Workspace ws = model.workspace(b);
        float[] x = new float[b * f];
        float[] adv = new float[b * f];
        float[] grad = new float[b * f];
        int[] y = new int[b];
        float[] yb = new float[b];
        boolean binary = binaryDigit >= 0;
        Loss loss = binary ? new BCEWithLogits() : new SoftmaxCrossEntropy();
        Targets t = binary ? Targets.values(yb, 0) : Targets.labels(y, 0);
        int k = binary ? 2 : out;
        long[][] conf = new long[k][k];
        Context ctx = new Context(pool, false, 0);
        double lossSum = 0;
        int correct = 0;
        for (int from = 0; from < n; from += b) {
            int m = Math.min(b, n - from);
            data.gather(null, from, m, x, 0, y, 0);
            for (int i = 0; i < m; i++) {
                yb[i] = y[i] == binaryDigit ? 1f : 0f;
            }
            attack.craft(model, ws, ctx, loss, x, m, t, mean, std, adv, grad, from);
            int yo = model.forward(ctx, ws, adv, 0, m);
            float[] d = ws.data();
            for (int i = 0; i < m; i++) {
                int row = yo + i * out;
                int truth = binary ? (y[i] == binaryDigit ? 1 : 0) : y[i];
                int pred = 0;
                if (binary) {
                    pred = d[row] > 0 ? 1 : 0;
                    double z = d[row];
                    lossSum += Math.max(z, 0) - z * truth + Math.log1p(Math.exp(-Math.abs(z)));
                } else {
                    for (int j = 1; j < out; j++) {
                        if (d[row + j] > d[row + pred]) {
                            pred = j;
                        }
                    }
                    lossSum += RowSoftmax.logSumExp(d, row, out) - d[row + truth];
                }
                conf[truth][pred]++;
                if (truth == pred) {
                    correct++;
                }
            }
        }
        return new Evaluation(n, lossSum / n, correct, conf, binary);
    }
}
