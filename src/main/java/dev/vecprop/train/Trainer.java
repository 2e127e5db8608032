package dev.vecprop.train;

import dev.vecprop.ConfigException;
import dev.vecprop.concurrent.WorkerPool;
import dev.vecprop.data.Augmentation;
import dev.vecprop.data.DataSource;
import dev.vecprop.data.Normalization;
import dev.vecprop.internal.ContextAccess;
import dev.vecprop.io.Safetensors;
import dev.vecprop.layer.Context;
import dev.vecprop.layer.Sequential;
import dev.vecprop.layer.Workspace;
import dev.vecprop.loss.Loss;
import dev.vecprop.loss.Penalty;
import dev.vecprop.loss.SoftmaxCrossEntropy;
import dev.vecprop.optim.Adam;
import dev.vecprop.optim.GradientClipping;
import dev.vecprop.optim.LrSchedule;
import dev.vecprop.optim.Optimizer;
import dev.vecprop.optim.OptimizerFactory;
import dev.vecprop.tensor.Param;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Trains any {@link Sequential} on any {@link DataSource}: the library's {@code fit}. A trainer is
 * an immutable set of settings made with {@link #builder()}; {@link #fit} runs them on a model,
 * in place, and may be called again on other models.
 *
 * <pre>
 *   FitResult r = Trainer.builder()
 *           .loss(new SoftmaxCrossEntropy())
 *           .optimizer(Adam.options())
 *           .schedule(LrSchedule.cosine(1e-3f, 0f, 10))
 *           .epochs(10).batchSize(64).seed(0).threads(2)
 *           .validationSplit(0.1)
 *           .listener(EarlyStopping.of(Monitor.VALIDATION_LOSS).patience(3).restoreBest(true))
 *           .build()
 *           .fit(model, train);
 * </pre>
 *
 * <p>One epoch: a seeded shuffle, then per mini-batch gather (straight from the source into a
 * reused buffer), optional augmentation and adversarial examples, forward, loss and dL/d(outputs)
 * in one pass, backward, penalties, clipping, one optimizer step; then evaluation on the validation
 * set and the listeners. Batches larger than {@value #MICRO} samples run in micro-batches whose
 * gradients add up to one step. Nothing is allocated per step. The same seed gives bit-identical
 * weights for any thread count.
 */
public final class Trainer {
    static final int MICRO = 1024;

    private final Loss loss;
    private final OptimizerFactory optimizer;
    private final LrSchedule schedule;
    private final int epochs;
    private final int batchSize;
    private final long seed;
    private final int threads;
    private final boolean shuffle;
    private final DataSource validation;
    private final double validationSplit;
    private final List<TrainingListener> listeners;
    private final List<Penalty> penalties;
    private final double clipNorm;
    private final double clipValue;
    private final boolean skipNonFinite;
    private final Augmentation augmentation;
    private final Attack attack;
    private final double attackRatio;
    private final Path checkpoint;
    private final long checkpointEvery;
    private final Path resumeFrom;
    private final long maxSteps;
    private final Map<String, String> metadata;

    private Trainer(Builder b) {
        this.loss = b.loss;
        this.optimizer = b.optimizer;
        this.schedule = b.schedule != null ? b.schedule : LrSchedule.constant(1e-3f);
        this.epochs = b.epochs;
        this.batchSize = b.batchSize;
        this.seed = b.seed;
        this.threads = b.threads;
        this.shuffle = b.shuffle;
        this.validation = b.validation;
        this.validationSplit = b.validationSplit;
        this.listeners = List.copyOf(b.listeners);
        this.penalties = List.copyOf(b.penalties);
        this.clipNorm = b.clipNorm;
        this.clipValue = b.clipValue;
        this.skipNonFinite = b.skipNonFinite;
        this.augmentation = b.augmentation;
        this.attack = b.attack;
        this.attackRatio = b.attackRatio;
        this.checkpoint = b.checkpoint;
        this.checkpointEvery = b.checkpointEvery;
        this.resumeFrom = b.resumeFrom;
        this.maxSteps = b.maxSteps;
        this.metadata = Map.copyOf(b.metadata);
    }

    /** {@return a builder with the defaults: softmax cross-entropy, Adam, constant lr 1e-3, 10 epochs, batch 64, seed 0, all cores} */
    public static Builder builder() {
        return new Builder();
    }

    static void checkThreads(int threads) {
        if (threads < 1 || threads > 256) {
            throw new ConfigException("threads must be in 1..256, got " + threads);
        }
    }

    /** {@return the loss this trainer minimises} */
    public Loss loss() {
        return loss;
    }

    /** {@return the learning-rate schedule} */
    public LrSchedule schedule() {
        return schedule;
    }

    /** {@return the number of epochs} */
    public int epochs() {
        return epochs;
    }

    /** {@return worker threads} */
    public int threads() {
        return threads;
    }

    /**
     * Trains {@code model} in place on {@code data}.
     *
     * @param model the model; its parameters are updated
     * @param data  training samples whose shape and labels (or targets) fit the model
     * @return the metrics of every epoch
     * @throws ConfigException            if the data or settings do not fit the model
     * @throws TrainingDivergedException  if a loss becomes non-finite (unless non-finite steps are skipped)
     * @throws dev.vecprop.io.CheckpointException if a checkpoint to resume from does not fit
     */
    public FitResult fit(Sequential model, DataSource data) {
        dev.vecprop.internal.Require.notNull(model, "fit: the model");
        dev.vecprop.internal.Require.notNull(data, "fit: the data");
        DataSource train = data;
        DataSource val = validation;
        if (validationSplit > 0) {
            DataSource.Split s = data.split(validationSplit, seed);
            train = s.train();
            val = s.validation();
        }
        try (WorkerPool pool = new WorkerPool(threads)) {
            return new Run(model, train, val, pool).run();
        }
    }

    /** The state of one fit. */
    private final class Run {
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
        long runSeed = seed;
        int imageH;
        int imageW;

        Run(Sequential model, DataSource train, DataSource val, WorkerPool pool) {
            this.model = model;
            this.train = train;
            this.val = val;
            this.pool = pool;
            this.n = train.size();
            this.batch = batchSize == 0 ? n : Math.min(batchSize, n);
            this.micro = Math.min(batch, MICRO);
            this.stepsPerEpoch = (n + batch - 1) / batch;
            this.task = Task.of(model, train, loss, micro, "training data");
            if (val != null) {
                Task.of(model, val, loss, 1, "validation data");
            }
            this.norm = train.normalization();
            if (augmentation != null) {
                int[] dims = train.sampleShape().dims();
                if (dims.length != 3 || dims[0] != 1) {
                    throw new ConfigException("augmentation needs single-channel images (1,H,W), " + train.name()
                            + " samples are " + train.sampleShape());
                }
                imageH = dims[1];
                imageW = dims[2];
            }
            if (attack != null && task.kind == Task.Kind.REGRESS) {
                throw new ConfigException("adversarial training needs labelled data, " + train.name() + " has real-valued targets");
            }
            for (Param p : model.params().trainable()) {
                if (p.name().endsWith(".weight") && p.shape().length == 2) {
                    penalized.add(p);
                }
            }
            this.opt = optimizer.create(model.params());
            opt.parallel(pool);
            if (resumeFrom != null) {
                resume();
            }
        }

        private String signature() {
            return "epochs=" + epochs + "; batch=" + batch + "; samples=" + n + "; schedule=" + schedule.describe()
                    + "; shuffle=" + shuffle + "; loss=" + loss.describe();
        }

        private void resume() {
            Safetensors.Contents c = Checkpoint.read(resumeFrom);
            Checkpoint.checkStructure(resumeFrom, c, model);
            Checkpoint.loadInto(resumeFrom, c, model);
            Checkpoint.TrainState st = Checkpoint.state(resumeFrom, c);
            if (st == null) {
                throw new ConfigException(resumeFrom + ": has no training state to resume from (a weights-only file;"
                        + " load its weights into the model and fit from the start instead)");
            }
            if (!opt.describe().equals(st.optimizer())) {
                throw new ConfigException(resumeFrom + ": was trained with " + st.optimizer() + ", this fit uses "
                        + opt.describe());
            }
            if (st.fit() != null && !st.fit().equals(signature())) {
                throw new ConfigException(resumeFrom + ": was trained with " + Checkpoint.difference(st.fit(), signature())
                        + "; resuming must keep the settings that shape the schedule and the batches");
            }
            if (st.seed() != seed) {
                throw new ConfigException(resumeFrom + ": was trained with seed " + st.seed() + ", this fit uses seed " + seed
                        + " (the seed orders the batches and draws the validation split: resume with the same seed)");
            }
            Normalization saved = Checkpoint.normalization(resumeFrom, c);
            if (c.metadata().containsKey("vecprop.input_std") && !saved.equals(norm)) {
                throw new ConfigException(resumeFrom + ": was trained on inputs normalised as (x - " + saved.mean() + ") / "
                        + saved.std() + ", this fit's data gives (x - " + norm.mean() + ") / " + norm.std()
                        + "; resume with the same normalisation");
            }
            if (st.epoch() > epochs || st.stepInEpoch() >= stepsPerEpoch || st.epoch() == epochs && st.stepInEpoch() > 0) {
                throw new dev.vecprop.io.CheckpointException(resumeFrom, "training state epoch " + st.epoch() + ", step "
                        + st.stepInEpoch() + " of the epoch does not fit this fit's " + epochs + " epochs of "
                        + stepsPerEpoch + " steps");
            }
            Checkpoint.restoreOptimizer(resumeFrom, c, model, opt);
            if (opt.steps() > st.globalStep()) {
                throw new dev.vecprop.io.CheckpointException(resumeFrom, "vecprop.optim.steps " + opt.steps()
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
            float[] xAdv = attack != null ? new float[micro * features] : null;
            float[] gradScratch = attack != null ? new float[micro * features] : null;
            int[] order = new int[n];
            Context ctx = ContextAccess.create(pool, true, runSeed);
            List<EpochMetrics> done = new ArrayList<>();
            String stopReason = null;
            double trainNanos = 0;
            long trained = 0;
            FitStart start = new FitStart(model, n, batch, stepsPerEpoch, epochs, startEpoch, threads, opt.describe(),
                    loss.describe(), schedule.describe(), val != null);
            for (TrainingListener l : listeners) {
                l.onFitStart(start);
            }
            event.epochs = epochs;
            event.stepsPerEpoch = stepsPerEpoch;
            model.params().zeroGrads(); // from here on every optimizer step leaves them zero
            epochs:
            for (int epoch = startEpoch; epoch < epochs; epoch++) {
                Shuffle.permutation(order, runSeed, epoch, shuffle);
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
                        if (augmentation != null) {
                            augmentation.apply(x, 0, mb, imageH, imageW, -norm.mean() / norm.std(), runSeed, microStep, pool);
                        }
                        ctx.step(microStep);
                        double r = 0;
                        if (attack != null) {
                            attack.craft(model, ws, ctx, loss, x, mb, task.targets, norm.mean(), norm.std(), xAdv,
                                    gradScratch, runSeed * 31 + globalStep);
                            r = attackRatio;
                        }
                        stepLoss += pass(ctx, ws, x, mb, bs, 1 - r, gradsZero, true);
                        gradsZero = false;
                        if (r > 0) {
                            stepLoss += pass(ctx, ws, xAdv, mb, bs, r, false, false);
                        }
                    }
                    for (Penalty p : penalties) {
                        stepLoss += p.apply(penalized);
                    }
                    if (!Double.isFinite(stepLoss)) {
                        String where = firstNonFiniteGradient();
                        String msg = String.format(java.util.Locale.ROOT, "step %d (epoch %d, batch %d): loss is %s%s",
                                globalStep + 1, epoch + 1, step + 1, stepLoss,
                                where == null ? "" : "; first non-finite gradient in " + where);
                        if (skipNonFinite) {
                            System.getLogger(Trainer.class.getName()).log(System.Logger.Level.DEBUG, msg + "; step skipped");
                            for (TrainingListener l : listeners) {
                                l.onStepSkipped(msg + "; step skipped");
                            }
                            model.params().zeroGrads();
                            globalStep++;
                            continue;
                        }
                        throw new TrainingDivergedException(msg + (checkpoint != null
                                ? "; the last good checkpoint is kept at " + checkpoint : ""));
                    }
                    if (clipNorm > 0) {
                        GradientClipping.clipNorm(model.params(), clipNorm);
                    }
                    if (clipValue > 0) {
                        GradientClipping.clipValue(model.params(), (float) clipValue);
                    }
                    lr = schedule.lr(epoch, step, stepsPerEpoch);
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
                    for (TrainingListener l : listeners) {
                        l.onStep(event);
                    }
                    if (checkpointEvery > 0 && checkpoint != null && globalStep % checkpointEvery == 0) {
                        save(epoch, step + 1);
                    }
                    if (maxSteps > 0 && globalStep >= maxSteps) {
                        if (checkpoint != null) {
                            save(epoch, step + 1);
                        }
                        trainNanos += System.nanoTime() - t0;
                        stopReason = "stopped after step " + globalStep + " (step limit " + maxSteps + ")";
                        break epochs;
                    }
                }
                long t1 = System.nanoTime();
                double seconds = (t1 - t0) / 1e9;
                trainNanos += t1 - t0;
                Evaluation ev = val == null ? null : Evaluator.evaluate(model, val, loss, pool);
                Evaluation robust = val == null || attack == null ? null
                        : Evaluator.evaluateRobust(model, val, loss, attack, pool);
                long epochSamples = Math.max(0, n - firstStep * batch);
                EpochMetrics m = new EpochMetrics(epoch, lossCount == 0 ? Double.NaN : lossSum / lossCount,
                        task.kind == Task.Kind.REGRESS || seen == 0 ? Double.NaN : (double) correct / seen, ev, robust,
                        lr, seconds, seconds > 0 ? epochSamples / seconds : 0);
                done.add(m);
                if (checkpoint != null) {
                    save(epoch + 1, 0);
                }
                EpochEvent e = new EpochEvent(m, model, epochs);
                for (TrainingListener l : listeners) {
                    l.onEpochEnd(e);
                }
                if (e.stopReason() != null) {
                    stopReason = e.stopReason();
                    break;
                }
            }
            double secs = trainNanos / 1e9;
            FitResult r = new FitResult(done, secs, secs > 0 ? trained / secs : 0, trained, globalStep, stopReason);
            for (TrainingListener l : listeners) {
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
            double l = loss.compute(d, yo, mb, task.outputs, task.targets, d, ws.outputGradOffset());
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
                                + " is no longer finite; checkpoint not written, the last good one is kept at " + checkpoint);
                    }
                }
            }
            if (stepInEpoch >= stepsPerEpoch) {
                epoch++;
                stepInEpoch = 0;
            }
            Checkpoint.saveTraining(checkpoint, model, norm, metadata,
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

    /** Settings of a {@link Trainer}; every setter checks its value and names it in the error. */
    public static final class Builder {
        private Loss loss = new SoftmaxCrossEntropy();
        private OptimizerFactory optimizer = Adam.options();
        private LrSchedule schedule;
        private int epochs = 10;
        private int batchSize = 64;
        private long seed;
        private int threads = Math.max(1, Math.min(256, Runtime.getRuntime().availableProcessors()));
        private boolean shuffle = true;
        private DataSource validation;
        private double validationSplit;
        private final List<TrainingListener> listeners = new ArrayList<>();
        private final List<Penalty> penalties = new ArrayList<>();
        private double clipNorm;
        private double clipValue;
        private boolean skipNonFinite;
        private Augmentation augmentation;
        private Attack attack;
        private double attackRatio = 0.5;
        private Path checkpoint;
        private long checkpointEvery;
        private Path resumeFrom;
        private long maxSteps;
        private final Map<String, String> metadata = new LinkedHashMap<>();

        private Builder() {}

        private static <T> T nonNull(T v, String what) {
            if (v == null) {
                throw new ConfigException(what + " must not be null");
            }
            return v;
        }

        /**
         * Sets the loss to minimise (default softmax cross-entropy).
         *
         * @param l the loss
         * @return this builder
         * @throws ConfigException if {@code l} is null
         */
        public Builder loss(Loss l) {
            this.loss = nonNull(l, "loss");
            return this;
        }

        /**
         * Sets the optimizer (default Adam with PyTorch's defaults); a new one is created per fit.
         *
         * @param f the optimizer's settings, e.g. {@code SGD.options().momentum(0.9)}
         * @return this builder
         * @throws ConfigException if {@code f} is null
         */
        public Builder optimizer(OptimizerFactory f) {
            this.optimizer = nonNull(f, "optimizer");
            return this;
        }

        /**
         * Sets a constant learning rate, replacing the schedule.
         *
         * @param lr the learning rate, {@code > 0} and finite
         * @return this builder
         * @throws ConfigException if {@code lr} is not positive and finite
         */
        public Builder learningRate(double lr) {
            this.schedule = LrSchedule.constant((float) lr);
            return this;
        }

        /**
         * Sets the learning-rate schedule (default constant 1e-3), evaluated at every optimizer step.
         *
         * @param s the schedule
         * @return this builder
         * @throws ConfigException if {@code s} is null
         */
        public Builder schedule(LrSchedule s) {
            this.schedule = nonNull(s, "schedule");
            return this;
        }

        /**
         * Sets the number of epochs, full passes over the training data (default 10).
         *
         * @param n epochs, 1..1,000,000
         * @return this builder
         * @throws ConfigException if {@code n} is out of range
         */
        public Builder epochs(int n) {
            if (n < 1 || n > 1_000_000) {
                throw new ConfigException("epochs must be in 1..1000000, got " + n);
            }
            this.epochs = n;
            return this;
        }

        /**
         * Sets the mini-batch size (default 64); the last batch of an epoch may be smaller.
         *
         * @param n samples per optimizer step, {@code >= 1}; capped at the data's size
         * @return this builder
         * @throws ConfigException if {@code n < 1}
         */
        public Builder batchSize(int n) {
            if (n < 1) {
                throw new ConfigException("batchSize must be >= 1, got " + n);
            }
            this.batchSize = n;
            return this;
        }

        /**
         * Batch gradient descent: one step per epoch over all training samples (in micro-batches).
         *
         * @return this builder
         */
        public Builder fullBatch() {
            this.batchSize = 0;
            return this;
        }

        /**
         * Sets the seed of the shuffles, dropout masks, validation split, augmentation and attacks (default 0).
         *
         * @param s the seed
         * @return this builder
         */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /**
         * Sets the number of worker threads (default: all cores, at most 256); results do not depend on it.
         *
         * @param n worker threads, 1..256
         * @return this builder
         * @throws ConfigException if {@code n} is out of range
         */
        public Builder threads(int n) {
            checkThreads(n);
            this.threads = n;
            return this;
        }

        /**
         * Chooses whether to shuffle the training samples every epoch (default true).
         *
         * @param on true to shuffle, false to keep the source's order
         * @return this builder
         */
        public Builder shuffle(boolean on) {
            this.shuffle = on;
            return this;
        }

        /**
         * Sets a validation set, evaluated after every epoch (replaces a validation split).
         *
         * @param v the samples; their shape and labels (or targets) must fit the model
         * @return this builder
         * @throws ConfigException if {@code v} is null
         */
        public Builder validation(DataSource v) {
            this.validation = nonNull(v, "validation");
            this.validationSplit = 0;
            return this;
        }

        /**
         * Holds out part of the fit's data for validation (replaces a validation set); see
         * {@link DataSource#split}.
         *
         * @param fraction share of the samples held out, in (0, 1), chosen by the seed
         * @return this builder
         * @throws ConfigException if {@code fraction} is outside (0, 1)
         */
        public Builder validationSplit(double fraction) {
            if (!(fraction > 0 && fraction < 1)) {
                throw new ConfigException("validationSplit must be in (0, 1), got " + fraction);
            }
            this.validationSplit = fraction;
            this.validation = null;
            return this;
        }

        /**
         * Adds a listener; listeners run in the order they were added.
         *
         * @param l a listener (progress, logging, early stopping, keep-best, pictures)
         * @return this builder
         * @throws ConfigException if {@code l} is null
         */
        public Builder listener(TrainingListener l) {
            listeners.add(nonNull(l, "listener"));
            return this;
        }

        /**
         * Adds a penalty on the 2-D weights ({@code L1Penalty}, {@code L2Penalty}), added to every step's loss.
         *
         * @param p the penalty
         * @return this builder
         * @throws ConfigException if {@code p} is null
         */
        public Builder penalty(Penalty p) {
            penalties.add(nonNull(p, "penalty"));
            return this;
        }

        /**
         * Clips the global L2 norm of the gradients before every step (see {@link GradientClipping#clipNorm}).
         *
         * @param maxNorm the largest norm, finite and {@code >= 0}; 0 turns clipping off (the default)
         * @return this builder
         * @throws ConfigException if {@code maxNorm} is negative, NaN or infinite
         */
        public Builder clipNorm(double maxNorm) {
            if (!(maxNorm >= 0) || Double.isInfinite(maxNorm)) {
                throw new ConfigException("clipNorm must be a finite number >= 0, got " + maxNorm);
            }
            this.clipNorm = maxNorm;
            return this;
        }

        /**
         * Clips every gradient element to {@code [-v, v]} before every step (see {@link GradientClipping#clipValue}).
         *
         * @param v the largest absolute value, finite and {@code >= 0}; 0 turns clipping off (the default)
         * @return this builder
         * @throws ConfigException if {@code v} is negative, NaN or infinite
         */
        public Builder clipValue(double v) {
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw new ConfigException("clipValue must be a finite number >= 0, got " + v);
            }
            this.clipValue = v;
            return this;
        }

        /**
         * Chooses whether a step whose loss is not finite is skipped (and reported to
         * {@link TrainingListener#onStepSkipped}) instead of ending the fit with a
         * {@link TrainingDivergedException} (default false).
         *
         * @param on true to skip such steps
         * @return this builder
         */
        public Builder skipNonFinite(boolean on) {
            this.skipNonFinite = on;
            return this;
        }

        /**
         * Sets on-the-fly augmentation of every training batch; the training data must be
         * single-channel images {@code (1,H,W)}, which is checked when the fit starts.
         *
         * @param a the augmentation, or null for none (the default)
         * @return this builder
         */
        public Builder augmentation(Augmentation a) {
            this.augmentation = a;
            return this;
        }

        /**
         * Adversarial training: each batch's loss is {@code (1 - ratio) L(x) + ratio L(x_adv)}.
         *
         * @param a     the attack crafting {@code x_adv}, or null for none
         * @param ratio the adversarial loss's weight, in [0, 1]
         * @return this builder
         * @throws ConfigException if {@code ratio} is outside [0, 1]
         */
        public Builder adversarial(Attack a, double ratio) {
            if (!(ratio >= 0 && ratio <= 1)) {
                throw new ConfigException("adversarial ratio must be in [0, 1], got " + ratio);
            }
            this.attack = a;
            this.attackRatio = ratio;
            return this;
        }

        /**
         * Writes a resumable checkpoint (weights, structure, optimizer state, position) atomically
         * after every epoch and every {@code everySteps} steps.
         *
         * @param file       the checkpoint file, or null for none
         * @param everySteps also every this many steps, {@code >= 0} (0: only after epochs)
         * @return this builder
         * @throws ConfigException if {@code everySteps < 0}
         */
        public Builder checkpoint(Path file, long everySteps) {
            if (everySteps < 0) {
                throw new ConfigException("checkpoint interval must be >= 0 steps, got " + everySteps);
            }
            this.checkpoint = file;
            this.checkpointEvery = everySteps;
            return this;
        }

        /**
         * Resumes a fit from a checkpoint written by {@link #checkpoint}: weights, optimizer state and
         * position are restored and the fit continues exactly where it stopped. The optimizer and the
         * other fit settings must be the same, which is checked when the fit starts.
         *
         * @param file the checkpoint, or null for none
         * @return this builder
         */
        public Builder resumeFrom(Path file) {
            this.resumeFrom = file;
            return this;
        }

        /**
         * Stops the fit after a number of optimizer steps in total (counting those before a resume).
         *
         * @param n the step limit, {@code >= 0}; 0 for no limit (the default)
         * @return this builder
         * @throws ConfigException if {@code n < 0}
         */
        public Builder maxSteps(long n) {
            if (n < 0) {
                throw new ConfigException("maxSteps must be >= 0, got " + n);
            }
            this.maxSteps = n;
            return this;
        }

        /**
         * Adds a metadata entry to the checkpoints this trainer writes.
         *
         * @param key   a metadata key for the checkpoints this trainer writes
         * @param value its value
         * @return this builder
         * @throws ConfigException if the key or the value is null
         */
        public Builder metadata(String key, String value) {
            metadata.put(nonNull(key, "metadata key"), nonNull(value, "metadata value"));
            return this;
        }

        /** {@return the trainer} */
        public Trainer build() {
            return new Trainer(this);
        }
    }
}
