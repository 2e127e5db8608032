package dev.vecprop.train;

import dev.vecprop.ConfigException;
import dev.vecprop.concurrent.WorkerPool;
import dev.vecprop.data.DataSource;
import dev.vecprop.data.Normalization;
import dev.vecprop.internal.ContextAccess;
import dev.vecprop.io.Safetensors;
import dev.vecprop.layer.Context;
import dev.vecprop.layer.Sequential;
import dev.vecprop.layer.Workspace;
import dev.vecprop.loss.Penalty;
import dev.vecprop.optim.GradientClipping;
import dev.vecprop.optim.Optimizer;
import dev.vecprop.tensor.Param;

import java.util.ArrayList;
import java.util.List;

/**
 * One fit of a {@link Trainer}: the epoch and step loop, validation, listeners, checkpoints and
 * resuming, over the trainer's settings ({@code t}).
 */
final class FitRun {
    final Trainer t;
    final Sequential model;
    final DataSource train;
    final DataSource val;
    final WorkerPool pool;
    final Optimizer opt;
    final Task task;
    final int n;
    final int batch;
    final int micro;
    final long stepsPerEpoch;
    final List<Param> penalized = new ArrayList<>();
    final Normalization norm;
    final StepEvent event = new StepEvent();
    int startEpoch;
    long startStepInEpoch;
    long globalStep;
    long correct;
    long seen;
    long runSeed;
    int imageH;
    int imageW;

    FitRun(Trainer t, Sequential model, DataSource train, DataSource val, WorkerPool pool) {
        this.t = t;
        this.runSeed = t.seed;
        this.model = model;
        this.train = train;
        this.val = val;
        this.pool = pool;
        this.n = train.size();
        this.batch = t.batchSize == 0 ? n : Math.min(t.batchSize, n);
        this.micro = Math.min(batch, Trainer.MICRO);
        this.stepsPerEpoch = (n + batch - 1) / batch;
        this.task = Task.of(model, train, t.loss, micro, "training data");
        if (val != null) {
            Task.of(model, val, t.loss, 1, "validation data");
        }
        this.norm = train.normalization();
        if (t.augmentation != null) {
            int[] dims = train.sampleShape().dims();
            if (dims.length != 3 || dims[0] != 1) {
                throw new ConfigException("augmentation needs single-channel images (1,H,W), " + train.name()
                        + " samples are " + train.sampleShape());
            }
            imageH = dims[1];
            imageW = dims[2];
        }
        if (t.attack != null && task.kind == Task.Kind.REGRESS) {
            throw new ConfigException("adversarial training needs labelled data, " + train.name() + " has real-valued targets");
        }
        for (Param p : model.params().trainable()) {
            if (p.name().endsWith(".weight") && p.shape().length == 2) {
                penalized.add(p);
            }
        }
        this.opt = t.optimizer.create(model.params());
        opt.parallel(pool);
        if (t.resumeFrom != null) {
            resume();
        }
    }

    private String signature() {
        return "epochs=" + t.epochs + "; batch=" + batch + "; samples=" + n + "; schedule=" + t.schedule.describe()
                + "; shuffle=" + t.shuffle + "; loss=" + t.loss.describe();
    }

    private void resume() {
        Safetensors.Contents c = Checkpoint.read(t.resumeFrom);
        Checkpoint.checkStructure(t.resumeFrom, c, model);
        Checkpoint.loadInto(t.resumeFrom, c, model);
        Checkpoint.TrainState st = Checkpoint.state(t.resumeFrom, c);
        if (st == null) {
            throw new ConfigException(t.resumeFrom + ": has no training state to resume from (a weights-only file;"
                    + " load its weights into the model and fit from the start instead)");
        }
        if (!opt.describe().equals(st.optimizer())) {
            throw new ConfigException(t.resumeFrom + ": was trained with " + st.optimizer() + ", this fit uses "
                    + opt.describe());
        }
        if (st.fit() != null && !st.fit().equals(signature())) {
            throw new ConfigException(t.resumeFrom + ": was trained with " + Checkpoint.difference(st.fit(), signature())
                    + "; resuming must keep the settings that shape the schedule and the batches");
        }
        if (st.seed() != t.seed) {
            throw new ConfigException(t.resumeFrom + ": was trained with seed " + st.seed() + ", this fit uses seed " + t.seed
                    + " (the seed orders the batches and draws the validation split: resume with the same seed)");
        }
        Normalization saved = Checkpoint.normalization(t.resumeFrom, c);
        if (c.metadata().containsKey("vecprop.input_std") && !saved.equals(norm)) {
            throw new ConfigException(t.resumeFrom + ": was trained on inputs normalised as (x - " + saved.mean() + ") / "
                    + saved.std() + ", this fit's data gives (x - " + norm.mean() + ") / " + norm.std()
                    + "; resume with the same normalisation");
        }
        if (st.epoch() > t.epochs || st.stepInEpoch() >= stepsPerEpoch || st.epoch() == t.epochs && st.stepInEpoch() > 0) {
            throw new dev.vecprop.io.CheckpointException(t.resumeFrom, "training state epoch " + st.epoch() + ", step "
                    + st.stepInEpoch() + " of the epoch does not fit this fit's " + t.epochs + " epochs of "
                    + stepsPerEpoch + " steps");
        }
        Checkpoint.restoreOptimizer(t.resumeFrom, c, model, opt);
        if (opt.steps() > st.globalStep()) {
            throw new dev.vecprop.io.CheckpointException(t.resumeFrom, "vecprop.optim.steps " + opt.steps()
                    + " exceeds the global step " + st.globalStep());
        }
        runSeed = st.seed();
        startEpoch = st.epoch();
        startStepInEpoch = st.stepInEpoch();
        globalStep = st.globalStep();
    }

    FitResult run() {
        int features = train.sampleShape().size();
        Workspace ws = model.workspace(micro);
        float[] x = new float[micro * features];
        float[] xAdv = t.attack != null ? new float[micro * features] : null;
        float[] gradScratch = t.attack != null ? new float[micro * features] : null;
        int[] order = new int[n];
        Context ctx = ContextAccess.create(pool, true, runSeed);
        List<EpochMetrics> done = new ArrayList<>();
        String stopReason = null;
        double trainNanos = 0;
        long trained = 0;
        FitStart start = new FitStart(model, n, batch, stepsPerEpoch, t.epochs, startEpoch, t.threads, opt.describe(),
                t.loss.describe(), t.schedule.describe(), val != null);
        for (TrainingListener l : t.listeners) {
            l.onFitStart(start);
        }
        event.epochs = t.epochs;
        event.stepsPerEpoch = stepsPerEpoch;
        model.params().zeroGrads(); // from here on every optimizer step leaves them zero
        epochs:
        for (int epoch = startEpoch; epoch < t.epochs; epoch++) {
            Shuffle.permutation(order, runSeed, epoch, t.shuffle);
            long firstStep = epoch == startEpoch ? startStepInEpoch : 0;
            double lossSum = 0;
            long lossCount = 0;
            correct = 0;
            seen = 0;
            float lr = 0;
            long t0 = System.nanoTime();
            for (long step = firstStep; step < stepsPerEpoch; step++) {
                int from = (int) (step * batch);
                int bs = Math.min(batch, n - from);
                double stepLoss = 0;
                boolean gradsZero = true; // the optimizer step (or the zeroGrads before the loop) zeroed them
                for (int m0 = 0; m0 < bs; m0 += micro) {
                    int mb = Math.min(micro, bs - m0);
                    task.gather(train, order, from + m0, mb, x);
                    long microStep = globalStep * 4096 + m0 / micro;
                    if (t.augmentation != null) {
                        t.augmentation.apply(x, 0, mb, imageH, imageW, -norm.mean() / norm.std(), runSeed, microStep, pool);
                    }
                    ctx.step(microStep);
                    double r = 0;
                    if (t.attack != null) {
                        t.attack.craft(model, ws, ctx, t.loss, x, mb, task.targets, norm.mean(), norm.std(), xAdv,
                                gradScratch, runSeed * 31 + globalStep);
                        r = t.attackRatio;
                    }
                    stepLoss += pass(ctx, ws, x, mb, bs, 1 - r, gradsZero, true);
                    gradsZero = false;
                    if (r > 0) {
                        stepLoss += pass(ctx, ws, xAdv, mb, bs, r, false, false);
                    }
                }
                for (Penalty p : t.penalties) {
                    stepLoss += p.apply(penalized);
                }
                if (!Double.isFinite(stepLoss)) {
                    String where = firstNonFiniteGradient();
                    String msg = String.format(java.util.Locale.ROOT, "step %d (epoch %d, batch %d): loss is %s%s",
                            globalStep + 1, epoch + 1, step + 1, stepLoss,
                            where == null ? "" : "; first non-finite gradient in " + where);
                    if (t.skipNonFinite) {
                        System.getLogger(Trainer.class.getName()).log(System.Logger.Level.DEBUG, msg + "; step skipped");
                        for (TrainingListener l : t.listeners) {
                            l.onStepSkipped(msg + "; step skipped");
                        }
                        model.params().zeroGrads();
                        globalStep++;
                        continue;
                    }
                    throw new TrainingDivergedException(msg + (t.checkpoint != null
                            ? "; the last good checkpoint is kept at " + t.checkpoint : ""));
                }
                if (t.clipNorm > 0) {
                    GradientClipping.clipNorm(model.params(), t.clipNorm);
                }
                if (t.clipValue > 0) {
                    GradientClipping.clipValue(model.params(), (float) t.clipValue);
                }
                lr = t.schedule.lr(epoch, step, stepsPerEpoch);
                opt.step(lr);
                globalStep++;
                lossSum += stepLoss;
                lossCount++;
                trained += bs;
                event.epoch = epoch;
                event.step = step + 1;
                event.globalStep = globalStep;
                event.loss = stepLoss;
                event.meanLoss = lossSum / lossCount;
                event.lr = lr;
                for (TrainingListener l : t.listeners) {
                    l.onStep(event);
                }
                if (t.checkpointEvery > 0 && t.checkpoint != null && globalStep % t.checkpointEvery == 0) {
                    save(epoch, step + 1);
                }
                if (t.maxSteps > 0 && globalStep >= t.maxSteps) {
                    if (t.checkpoint != null) {
                        save(epoch, step + 1);
                    }
                    trainNanos += System.nanoTime() - t0;
                    stopReason = "stopped after step " + globalStep + " (step limit " + t.maxSteps + ")";
                    break epochs;
                }
            }
            long t1 = System.nanoTime();
            double seconds = (t1 - t0) / 1e9;
            trainNanos += t1 - t0;
            Evaluation ev = val == null ? null : Evaluator.evaluate(model, val, t.loss, pool);
            Evaluation robust = val == null || t.attack == null ? null
                    : Evaluator.evaluateRobust(model, val, t.loss, t.attack, pool);
            long epochSamples = Math.max(0, n - firstStep * batch);
            EpochMetrics m = new EpochMetrics(epoch, lossCount == 0 ? Double.NaN : lossSum / lossCount,
                    task.kind == Task.Kind.REGRESS || seen == 0 ? Double.NaN : (double) correct / seen, ev, robust,
                    lr, seconds, seconds > 0 ? epochSamples / seconds : 0);
            done.add(m);
            if (t.checkpoint != null) {
                save(epoch + 1, 0);
            }
            EpochEvent e = new EpochEvent(m, model, t.epochs);
            for (TrainingListener l : t.listeners) {
                l.onEpochEnd(e);
            }
            if (e.stopReason() != null) {
                stopReason = e.stopReason();
                break;
            }
        }
        double secs = trainNanos / 1e9;
        FitResult r = new FitResult(done, secs, secs > 0 ? trained / secs : 0, trained, globalStep, stopReason);
        for (TrainingListener l : t.listeners) {
            l.onFitEnd(r);
        }
        return r;
    }

    /** Forward, loss and backward of one micro-batch whose loss enters the step with weight {@code weight * mb / bs}. */
    private double pass(Context ctx, Workspace ws, float[] x, int mb, int bs, double weight, boolean gradsZero,
                        boolean count) {
        int yo = model.forward(ctx, ws, x, 0, mb);
        float[] d = ws.data();
        if (count && task.kind != Task.Kind.REGRESS) {
            for (int i = 0; i < mb; i++) {
                if (task.predict(d, yo + i * task.outputs) == task.labels[i]) {
                    correct++;
                }
            }
            seen += mb;
        }
        double l = t.loss.compute(d, yo, mb, task.outputs, task.targets, d, ws.outputGradOffset());
        float scale = (float) (weight * mb / bs);
        if (scale != 1f) {
            int go = ws.outputGradOffset();
            for (int k = 0; k < mb * task.outputs; k++) {
                d[go + k] *= scale;
            }
        }
        model.backward(ctx.gradsZero(gradsZero), ws, x, 0, mb, null, 0);
        return l * weight * mb / bs;
    }

    private void save(int epoch, long stepInEpoch) {
        for (Param p : model.params().all()) {
            for (int i = 0; i < p.numel(); i++) {
                if (!Float.isFinite(p.get(i))) {
                    throw new TrainingDivergedException("step " + globalStep + ": parameter " + p.name()
                            + " is no longer finite; checkpoint not written, the last good one is kept at " + t.checkpoint);
                }
            }
        }
        if (stepInEpoch >= stepsPerEpoch) {
            epoch++;
            stepInEpoch = 0;
        }
        Checkpoint.saveTraining(t.checkpoint, model, norm, t.metadata,
                new Checkpoint.TrainState(epoch, stepInEpoch, globalStep, runSeed, opt.describe(), signature()), opt);
    }

    private String firstNonFiniteGradient() {
        for (Param p : model.params().trainable()) {
            for (int i = 0; i < p.numel(); i++) {
                if (!Float.isFinite(p.gradAt(i))) {
                    return p.name();
                }
            }
        }
        return null;
    }
}
