package dev.vecprop.train;

import dev.vecprop.concurrent.WorkerPool;
import dev.vecprop.data.DataSource;
import dev.vecprop.internal.ContextAccess;
import dev.vecprop.layer.Context;
import dev.vecprop.layer.Sequential;
import dev.vecprop.layer.Workspace;
import dev.vecprop.loss.Loss;
import dev.vecprop.loss.Reduction;

/**
 * Evaluates a model on a data source in eval mode, {@value #BATCH} samples at a time: the mean
 * loss and, for classifiers, accuracy, top-k, confusion matrix and per-class scores
 * ({@link Evaluation}).
 */
public final class Evaluator {
    private Evaluator() {}

    static final int BATCH = 1000;

    /** Running totals of an evaluation. */
    static final class Score {
        final Task task;
        final long[][] conf;
        final long[] ranks;
        double lossSum;
        long correct;
        int n;

        Score(Task task) {
            this.task = task;
            int k = task.kind == Task.Kind.REGRESS ? 0 : task.classes;
            this.conf = new long[k][k];
            this.ranks = new long[k];
        }

        void add(float[] d, int yo, Loss loss, int m) {
            double l = loss.compute(d, yo, m, task.outputs, task.targets, null, 0);
            lossSum += loss.reduction() == Reduction.MEAN ? l * m : l;
            n += m;
            if (task.kind == Task.Kind.REGRESS) {
                return;
            }
            for (int i = 0; i < m; i++) {
                int row = yo + i * task.outputs;
                int truth = task.labels[i];
                int pred = task.predict(d, row);
                conf[truth][pred]++;
                ranks[task.rank(d, row, truth)]++;
                if (truth == pred) {
                    correct++;
                }
            }
        }

        Evaluation result() {
            return new Evaluation(n, n == 0 ? Double.NaN : lossSum / n, correct, conf, ranks,
                    task.kind == Task.Kind.BINARY);
        }
    }

    /**
     * Evaluates on the caller's thread.
     *
     * @param model the model (not changed)
     * @param data  labelled samples (or real-valued targets) fitting the model
     * @param loss  the loss to report, e.g. the one the model was trained with
     * @return the metrics
     */
    public static Evaluation evaluate(Sequential model, DataSource data, Loss loss) {
        return evaluate(model, data, loss, 1);
    }

    /**
     * Evaluates with the GEMMs split over {@code threads} worker threads (same result for any count).
     *
     * @param model   the model (not changed)
     * @param data    labelled samples (or real-valued targets) fitting the model
     * @param loss    the loss to report
     * @param threads worker threads, 1..256
     * @return the metrics
     */
    public static Evaluation evaluate(Sequential model, DataSource data, Loss loss, int threads) {
        Trainer.checkThreads(threads);
        try (WorkerPool pool = new WorkerPool(threads)) {
            return evaluate(model, data, loss, pool);
        }
    }

    static Evaluation evaluate(Sequential model, DataSource data, Loss loss, WorkerPool pool) {
        dev.vecprop.internal.Require.notNull(model, "evaluate: the model");
        dev.vecprop.internal.Require.notNull(data, "evaluate: the data");
        dev.vecprop.internal.Require.notNull(loss, "evaluate: the loss");
        int n = data.size();
        int b = Math.min(BATCH, n);
        Task task = Task.of(model, data, loss, b, "evaluation data");
        Workspace ws = model.workspace(b);
        float[] x = new float[b * data.sampleShape().size()];
        Score score = new Score(task);
        Context ctx = ContextAccess.create(pool, false, 0);
        for (int from = 0; from < n; from += b) {
            int m = Math.min(b, n - from);
            task.gather(data, null, from, m, x);
            int yo = model.forward(ctx, ws, x, 0, m);
            score.add(ws.data(), yo, loss, m);
        }
        return score.result();
    }

    /**
     * Metrics on adversarial versions of the data, each batch crafted by {@code attack} against the
     * model itself (white box), within the raw range the data's {@link DataSource#normalization()} implies.
     *
     * @param model   the model (not changed)
     * @param data    labelled samples fitting the model
     * @param loss    the loss the attack ascends and the evaluation reports
     * @param attack  FGSM or PGD
     * @param threads worker threads, 1..256
     * @return the metrics on the adversarial examples
     */
    public static Evaluation evaluateRobust(Sequential model, DataSource data, Loss loss, Attack attack, int threads) {
        Trainer.checkThreads(threads);
        try (WorkerPool pool = new WorkerPool(threads)) {
            return evaluateRobust(model, data, loss, attack, pool);
        }
    }

    static Evaluation evaluateRobust(Sequential model, DataSource data, Loss loss, Attack attack, WorkerPool pool) {
        dev.vecprop.internal.Require.notNull(model, "evaluateRobust: the model");
        dev.vecprop.internal.Require.notNull(data, "evaluateRobust: the data");
        dev.vecprop.internal.Require.notNull(loss, "evaluateRobust: the loss");
        dev.vecprop.internal.Require.notNull(attack, "evaluateRobust: the attack");
        int n = data.size();
        int b = Math.min(BATCH, n);
        int f = data.sampleShape().size();
        Task task = Task.of(model, data, loss, b, "evaluation data");
        Workspace ws = model.workspace(b);
        float[] x = new float[b * f];
        float[] adv = new float[b * f];
        float[] grad = new float[b * f];
        Score score = new Score(task);
        Context ctx = ContextAccess.create(pool, false, 0);
        float mean = data.normalization().mean();
        float std = data.normalization().std();
        for (int from = 0; from < n; from += b) {
            int m = Math.min(b, n - from);
            task.gather(data, null, from, m, x);
            attack.craft(model, ws, ctx, loss, x, m, task.targets, mean, std, adv, grad, from);
            int yo = model.forward(ctx, ws, adv, 0, m);
            score.add(ws.data(), yo, loss, m);
        }
        return score.result();
    }
}
