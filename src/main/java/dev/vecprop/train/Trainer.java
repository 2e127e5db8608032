package dev.vecprop.train;

import dev.vecprop.ConfigException;
import dev.vecprop.concurrent.WorkerPool;
import dev.vecprop.data.Augmentation;
import dev.vecprop.data.DataSource;
import dev.vecprop.layer.Sequential;
import dev.vecprop.loss.Loss;
import dev.vecprop.loss.Penalty;
import dev.vecprop.loss.SoftmaxCrossEntropy;
import dev.vecprop.optim.Adam;
import dev.vecprop.optim.GradientClipping;
import dev.vecprop.optim.LrSchedule;
import dev.vecprop.optim.OptimizerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 *
 * <p>(About 500 lines, most of them the builder's documented setters; the fit loop is the package-private {@code FitRun}.)
 */
public final class Trainer {
    static final int MICRO = 1024;

    final Loss loss;
    final OptimizerFactory optimizer;
    final LrSchedule schedule;
    final int epochs;
    final int batchSize;
    final long seed;
    final int threads;
    final boolean shuffle;
    final DataSource validation;
    final double validationSplit;
    final List<TrainingListener> listeners;
    final List<Penalty> penalties;
    final double clipNorm;
    final double clipValue;
    final boolean skipNonFinite;
    final Augmentation augmentation;
    final Attack attack;
    final double attackRatio;
    final Path checkpoint;
    final long checkpointEvery;
    final Path resumeFrom;
    final long maxSteps;
    final Map<String, String> metadata;

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
            return new FitRun(this, model, train, val, pool).run();
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
