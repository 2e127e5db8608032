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

    /** Running totals of an evaluation: scores one block of model outputs at a time. */
    private static final class Score {
        final int out;
        final int binaryDigit;
        final long[][] conf;
        double lossSum;
        int correct;

        Score(int out, int binaryDigit) {
            this.out = out;
            this.binaryDigit = binaryDigit;
            int k = binaryDigit >= 0 ? 2 : out;
            this.conf = new long[k][k];
        }

        void add(float[] d, int yo, int[] y, int m) {
            for (int i = 0; i < m; i++) {
                int row = yo + i * out;
                int truth;
                int pred = 0;
                if (binaryDigit >= 0) {
                    truth = y[i] == binaryDigit ? 1 : 0;
                    double z = d[row];
                    pred = z > 0 ? 1 : 0;
                    lossSum += Math.max(z, 0) - z * truth + Math.log1p(Math.exp(-Math.abs(z)));
                } else {
                    truth = y[i];
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

        Evaluation result(int n) {
            return new Evaluation(n, lossSum / n, correct, conf, binaryDigit >= 0);
        }
    }

    /** Mean loss, accuracy and confusion matrix; {@code binaryDigit >= 0} scores "digit vs rest". */
    public static Evaluation evaluate(Sequential model, IdxDataset data, int binaryDigit, WorkerPool pool) {
        int n = data.size();
        int f = data.itemSize();
        int out = model.outputShape().size();
        int b = Math.min(BATCH, n);
        Workspace ws = model.workspace(b);
        float[] x = new float[b * f];
        int[] y = new int[b];
        Score score = new Score(out, binaryDigit);
        Context ctx = new Context(pool, false, 0);
        for (int from = 0; from < n; from += b) {
            int m = Math.min(b, n - from);
            data.gather(null, from, m, x, 0, y, 0);
            int yo = model.forward(ctx, ws, x, 0, m);
            score.add(ws.data(), yo, y, m);
        }
        return score.result(n);
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
        Score score = new Score(out, binaryDigit);
        Context ctx = new Context(pool, false, 0);
        for (int from = 0; from < n; from += b) {
            int m = Math.min(b, n - from);
            data.gather(null, from, m, x, 0, y, 0);
            for (int i = 0; i < m; i++) {
                yb[i] = y[i] == binaryDigit ? 1f : 0f;
            }
            attack.craft(model, ws, ctx, loss, x, m, t, mean, std, adv, grad, from);
            int yo = model.forward(ctx, ws, adv, 0, m);
            score.add(ws.data(), yo, y, m);
        }
        return score.result(n);
    }
}
