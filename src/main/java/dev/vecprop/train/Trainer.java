package dev.vecprop.train;

import dev.vecprop.concurrent.WorkerPool;
import dev.vecprop.data.IdxDataset;
import dev.vecprop.io.Safetensors;
import dev.vecprop.layer.Context;
import dev.vecprop.layer.Sequential;
import dev.vecprop.layer.Workspace;
import dev.vecprop.loss.BCEWithLogits;
import dev.vecprop.loss.L1Penalty;
import dev.vecprop.loss.L2Penalty;
import dev.vecprop.loss.Loss;
import dev.vecprop.loss.Penalty;
import dev.vecprop.loss.SoftmaxCrossEntropy;
import dev.vecprop.loss.Targets;
import dev.vecprop.optim.Adagrad;
import dev.vecprop.optim.Adam;
import dev.vecprop.optim.GradientClipping;
import dev.vecprop.optim.LrSchedule;
import dev.vecprop.optim.Optimizer;
import dev.vecprop.optim.RMSprop;
import dev.vecprop.optim.SGD;
import dev.vecprop.simd.Simd;
import dev.vecprop.tensor.Param;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The training loop: per epoch a seeded shuffle, then per mini-batch gather (straight from the
 * mapped files into a reused buffer), forward, loss and dL/d(logits) in one pass, backward,
 * penalties, clipping, and one optimizer step; then evaluation on the test set and one line of
 * results. Batches larger than {@value #MICRO} samples are processed in micro-batches whose
 * gradients accumulate into one step (batch gradient descent over 60,000 samples needs no 60,000-row
 * workspace). Nothing is allocated per step.
 */
public final class Trainer implements AutoCloseable {
    static final int MICRO = 1024;

    private final TrainConfig cfg;
    private final DataSets data;
    private final ModelSpec spec;
    private final Sequential model;
    private final Optimizer opt;
    private final Loss loss;
    private final LrSchedule schedule;
    private final List<Penalty> penalties = new ArrayList<>();
    private final List<Param> penalized = new ArrayList<>();
    private final WorkerPool pool;
    private final PrintStream out;
    private final PrintStream err;
    private int startEpoch;
    private long startStepInEpoch;
    private long globalStep;
    private final java.util.Map<String, String> extraMetadata = new java.util.LinkedHashMap<>();
    private float inputMean;
    private float inputStd = 1f;
    private int imageH;
    private int imageW;
    private final List<Evaluation> robustEvals = new ArrayList<>();

    /** Robust accuracy per epoch under the training attack (empty without adversarial training). */
    public List<Evaluation> robustEvaluations() {
        return robustEvals;
    }

    /** Result of a run: per-epoch evaluations and the throughput. */
    public record Result(List<Evaluation> epochs, double trainSeconds, double samplesPerSecond, long trainedSamples,
                         double[] epochSamplesPerSecond) {
        public Evaluation last() {
            return epochs.isEmpty() ? null : epochs.get(epochs.size() - 1);
        }
    }

    public Trainer(TrainConfig cfg, DataSets data, PrintStream out, PrintStream err) {
        this.cfg = cfg;
        this.data = data;
        this.out = out;
        this.err = err;
        validate(cfg);
        Safetensors.Contents resumed = null;
        ModelSpec s = cfg.spec();
        if (cfg.resume != null) {
            resumed = Checkpoint.read(cfg.resume);
            ModelSpec saved = Checkpoint.spec(cfg.resume, resumed);
            if (saved != null) {
                s = saved;
            }
        }
        this.spec = s;
        int features = data.train().itemSize();
        if (spec.inputs() != features) {
            throw new IllegalArgumentException("architecture " + spec.encode() + " takes " + spec.inputs()
                    + " inputs, but " + data.name() + " samples have " + features);
        }
        int wantOut = cfg.binaryDigit >= 0 ? 1 : data.train().classes();
        if (spec.outputs() != wantOut) {
            throw new IllegalArgumentException("architecture " + spec.encode() + " has " + spec.outputs()
                    + " outputs, but " + (cfg.binaryDigit >= 0 ? "a binary classifier needs 1"
                    : data.name() + " has " + wantOut + " classes"));
        }
        if (cfg.binaryDigit >= data.train().classes()) {
            throw new IllegalArgumentException("--binary " + cfg.binaryDigit + " is not a class of " + data.name()
                    + " (0.." + (data.train().classes() - 1) + ")");
        }
        this.model = spec.build();
        cfg.init.apply(model, cfg.seed, cfg.initSigma);
        if (cfg.initFrom != null) {
            Safetensors.Contents c = Checkpoint.read(cfg.initFrom);
            Checkpoint.loadInto(cfg.initFrom, c, model);
        }
        this.opt = optimizer(cfg, model);
        this.pool = new WorkerPool(cfg.threads);
        opt.parallel(pool);
        if (resumed != null) {
            Checkpoint.loadInto(cfg.resume, resumed, model);
            Checkpoint.TrainState st = Checkpoint.state(cfg.resume, resumed);
            if (st == null) {
                throw new IllegalArgumentException(cfg.resume + ": has no training state to resume (use --init to start from its weights)");
            }
            if (!opt.describe().equals(st.optimizer())) {
                throw new IllegalArgumentException(cfg.resume + ": was trained with " + st.optimizer()
                        + ", this run uses " + opt.describe());
            }
            Checkpoint.restoreOptimizer(cfg.resume, resumed, model, opt);
            cfg.seed = st.seed();
            startEpoch = st.epoch();
            startStepInEpoch = st.stepInEpoch();
            globalStep = st.globalStep();
        }
        this.loss = cfg.binaryDigit >= 0 ? new BCEWithLogits() : new SoftmaxCrossEntropy();
        if (cfg.augment != null) {
            int[] dims = data.train().sampleShape().dims();
            if (dims.length != 3 || dims[0] != 1) {
                throw new IllegalArgumentException("--augment needs single-channel images, " + data.name()
                        + " samples are " + data.train().sampleShape());
            }
            imageH = dims[1];
            imageW = dims[2];
        }
        this.schedule = schedule(cfg);
        if (cfg.l1 > 0) {
            penalties.add(new L1Penalty(cfg.l1));
        }
        if (cfg.l2 > 0) {
            penalties.add(new L2Penalty(cfg.l2));
        }
        for (Param p : model.params().trainable()) {
            if (p.name().endsWith(".weight") && p.shape().length == 2) {
                penalized.add(p);
            }
        }
        float mean = 0f;
        float std = 1f;
        if (!cfg.normalize.equals("none")) {
            double[] ms = data.train().pixelStats();
            mean = cfg.normalize.equals("standard") ? (float) ms[0] : 0f;
            std = (float) ms[1];
        }
        inputMean = mean;
        inputStd = std;
        data.train().normalize(mean, std);
        data.test().normalize(mean, std);
        extraMetadata.put("vecprop.input_mean", Float.toString(mean));
        extraMetadata.put("vecprop.input_std", Float.toString(std));
        if (cfg.binaryDigit >= 0) {
            extraMetadata.put("vecprop.binary_digit", Integer.toString(cfg.binaryDigit));
        }
    }

    static void validate(TrainConfig c) {
        if (c.epochs < 1) {
            throw new IllegalArgumentException("--epochs must be >= 1, got " + c.epochs);
        }
        if (c.batch < 0) {
            throw new IllegalArgumentException("--batch must be >= 1 (or 0 for the whole training set), got " + c.batch);
        }
        if (!(c.lr > 0) || Double.isInfinite(c.lr)) {
            throw new IllegalArgumentException("--lr must be a positive number, got " + c.lr);
        }
        if (c.threads < 1 || c.threads > 256) {
            throw new IllegalArgumentException("--threads must be in 1..256, got " + c.threads);
        }
        if (c.l1 < 0 || c.l2 < 0 || c.clipNorm < 0 || c.clipValue < 0) {
            throw new IllegalArgumentException("--l1, --l2, --clip-norm and --clip-value must be >= 0");
        }
    }

    static Optimizer optimizer(TrainConfig c, Sequential m) {
        double wd = c.weightDecay;
        return switch (c.optimizer.toLowerCase(Locale.ROOT)) {
            case "sgd" -> new SGD(m.params(), 0, 0, false, Math.max(wd, 0));
            case "momentum" -> new SGD(m.params(), c.momentum, 0, false, Math.max(wd, 0));
            case "nesterov" -> new SGD(m.params(), c.momentum, 0, true, Math.max(wd, 0));
            case "adam" -> new Adam(m.params(), c.beta1, c.beta2, c.eps, Math.max(wd, 0), false);
            case "adamw" -> new Adam(m.params(), c.beta1, c.beta2, c.eps, wd < 0 ? 0.01 : wd, true);
            case "adagrad" -> new Adagrad(m.params(), 0, Math.max(wd, 0), 0, 1e-10);
            case "rmsprop" -> new RMSprop(m.params(), 0.99, 1e-8, Math.max(wd, 0), 0);
            default -> throw new IllegalArgumentException("unknown optimizer '" + c.optimizer
                    + "' (sgd, momentum, nesterov, adam, adamw, adagrad, rmsprop)");
        };
    }

    static LrSchedule schedule(TrainConfig c) {
        float lr = (float) c.lr;
        String s = c.schedule.toLowerCase(Locale.ROOT);
        LrSchedule base;
        if (s.equals("constant")) {
            base = LrSchedule.constant(lr);
        } else if (s.equals("cosine")) {
            base = LrSchedule.cosine(lr, 0f, c.epochs);
        } else if (s.startsWith("step")) {
            String[] p = s.split(":");
            try {
                int every = p.length > 1 ? Integer.parseInt(p[1]) : 3;
                float gamma = p.length > 2 ? Float.parseFloat(p[2]) : 0.1f;
                base = LrSchedule.step(lr, every, gamma);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--schedule step:EPOCHS:GAMMA, got '" + c.schedule + "'");
            }
        } else {
            throw new IllegalArgumentException("unknown schedule '" + c.schedule + "' (constant, cosine, step:EPOCHS:GAMMA)");
        }
        return c.warmupSteps > 0 ? LrSchedule.warmup(base, c.warmupSteps) : base;
    }

    public Sequential model() {
        return model;
    }

    public ModelSpec spec() {
        return spec;
    }

    public Optimizer optimizer() {
        return opt;
    }

    /** Runs the configured epochs (from the resumed position, if any). */
    public Result run() {
        IdxDataset train = data.train();
        int n = cfg.limit > 0 ? Math.min(cfg.limit, train.size()) : train.size();
        int batch = cfg.batch == 0 ? n : Math.min(cfg.batch, n);
        int micro = Math.min(batch, MICRO);
        int features = train.itemSize();
        int outputs = spec.outputs();
        Workspace ws = model.workspace(micro);
        float[] x = new float[micro * features];
        int[] y = new int[micro];
        float[] yBinary = new float[micro];
        float[] xAdv = cfg.adversarial != null ? new float[micro * features] : null;
        float[] gradScratch = cfg.adversarial != null ? new float[micro * features] : null;
        Targets targets = cfg.binaryDigit >= 0 ? Targets.values(yBinary, 0) : Targets.labels(y, 0);
        int[] order = new int[train.size()];
        long stepsPerEpoch = (n + batch - 1) / batch;
        Context ctx = new Context(pool, true, cfg.seed);
        Progress progress = cfg.progress && !cfg.json ? Progress.forTerminal(err) : Progress.NONE;
        List<Evaluation> evals = new ArrayList<>();
        List<Double> epochSps = new ArrayList<>();
        robustEvals.clear();
        double trainNanos = 0;
        long trained = 0;
        if (!cfg.json) {
            out.printf("model %s, %d parameters; %s; %s, lr %g (%s), batch %d, %d threads, vector %s%n",
                    spec.encode(), model.params().parameterCount(), loss.describe(), opt.describe(), cfg.lr,
                    cfg.schedule, batch, cfg.threads, Simd.ENABLED ? Simd.VECTOR_BITS + "-bit" : "scalar");
        }
        model.params().zeroGrads(); // from here on every optimizer step leaves them zero
        for (int epoch = startEpoch; epoch < cfg.epochs; epoch++) {
            Shuffle.permutation(order, cfg.seed, epoch, cfg.shuffle);
            long firstStep = epoch == startEpoch ? startStepInEpoch : 0;
            double lossSum = 0;
            long lossCount = 0;
            long t0 = System.nanoTime();
            for (long step = firstStep; step < stepsPerEpoch; step++) {
                int from = (int) (step * batch);
                int bs = Math.min(batch, n - from);
                double stepLoss = 0;
                boolean gradsZero = true; // the optimizer step (or the zeroGrads before the loop) zeroed them
                for (int m0 = 0; m0 < bs; m0 += micro) {
                    int mb = Math.min(micro, bs - m0);
                    train.gather(order, from + m0, mb, x, 0, y, 0);
                    if (cfg.augment != null) {
                        cfg.augment.apply(x, 0, mb, imageH, imageW, -inputMean / inputStd, cfg.seed,
                                globalStep * 4096 + m0 / micro, pool);
                    }
                    if (cfg.binaryDigit >= 0) {
                        for (int k = 0; k < mb; k++) {
                            yBinary[k] = y[k] == cfg.binaryDigit ? 1f : 0f;
                        }
                    }
                    ctx.step(globalStep * 4096 + m0 / micro);
                    double r = 0;
                    if (cfg.adversarial != null) {
                        cfg.adversarial.craft(model, ws, ctx, loss, x, mb, targets, inputMean, inputStd, xAdv,
                                gradScratch, cfg.seed * 31 + globalStep);
                        r = cfg.advRatio;
                    }
                    stepLoss += pass(ctx, ws, x, mb, bs, outputs, targets, 1 - r, gradsZero);
                    gradsZero = false;
                    if (r > 0) {
                        stepLoss += pass(ctx, ws, xAdv, mb, bs, outputs, targets, r, false);
                    }
                }
                for (Penalty p : penalties) {
                    stepLoss += p.apply(penalized);
                }
                if (!Double.isFinite(stepLoss)) {
                    String where = firstNonFiniteGradient();
                    String msg = String.format("step %d (epoch %d, batch %d): loss is %s%s", globalStep + 1, epoch + 1,
                            step + 1, stepLoss, where == null ? "" : "; first non-finite gradient in " + where);
                    if (cfg.skipNonFinite) {
                        err.println("vecprop: " + msg + "; step skipped");
                        model.params().zeroGrads();
                        globalStep++;
                        continue;
                    }
                    throw new TrainingDivergedException(msg + (cfg.save != null
                            ? "; the last good checkpoint is kept at " + cfg.save : ""));
                }
                if (cfg.clipNorm > 0) {
                    GradientClipping.clipNorm(model.params(), cfg.clipNorm);
                }
                if (cfg.clipValue > 0) {
                    GradientClipping.clipValue(model.params(), (float) cfg.clipValue);
                }
                opt.step(schedule.lr(epoch, step, stepsPerEpoch));
                globalStep++;
                lossSum += stepLoss;
                lossCount++;
                trained += bs;
                progress.update(epoch + 1, cfg.epochs, step + 1, stepsPerEpoch, lossSum / lossCount);
                if (cfg.checkpointEvery > 0 && cfg.save != null && globalStep % cfg.checkpointEvery == 0) {
                    save(epoch, step + 1, stepsPerEpoch);
                }
                if (cfg.maxSteps > 0 && globalStep >= cfg.maxSteps) {
                    progress.done();
                    if (cfg.save != null) {
                        save(epoch, step + 1, stepsPerEpoch);
                    }
                    trainNanos += System.nanoTime() - t0;
                    if (!cfg.json) {
                        out.printf("stopped after step %d (--max-steps)%n", globalStep);
                    }
                    double secs = trainNanos / 1e9;
                    return new Result(evals, secs, secs > 0 ? trained / secs : 0, trained,
                            epochSps.stream().mapToDouble(Double::doubleValue).toArray());
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            trainNanos += System.nanoTime() - t0;
            progress.done();
            Evaluation ev = Evaluator.evaluate(model, data.test(), cfg.binaryDigit, pool);
            Evaluation robust = cfg.adversarial != null
                    ? Evaluator.evaluateRobust(model, data.test(), cfg.binaryDigit, pool, cfg.adversarial, inputMean, inputStd)
                    : null;
            robustEvals.add(robust);
            evals.add(ev);
            long epochSamples = Math.max(0, n - firstStep * batch);
            epochSps.add(epochSamples / seconds);
            if (!cfg.json) {
                out.printf(Locale.ROOT, "epoch %2d/%d  train loss %.4f  test loss %.4f  test acc %.2f%%%s%s  %,.0f samples/s  %.1f s%n",
                        epoch + 1, cfg.epochs, lossCount == 0 ? Double.NaN : lossSum / lossCount, ev.loss(),
                        100 * ev.accuracy(), ev.binary() ? String.format(Locale.ROOT, "  precision %.3f recall %.3f",
                                ev.precision(), ev.recall()) : "",
                        robust == null ? "" : String.format(Locale.ROOT, "  robust acc %.2f%% (%s)", 100 * robust.accuracy(),
                                cfg.adversarial.describe()),
                        epochSamples / seconds, seconds);
            }
            if (cfg.save != null) {
                save(epoch + 1, 0, stepsPerEpoch);
            }
        }
        double secs = trainNanos / 1e9;
        return new Result(evals, secs, secs > 0 ? trained / secs : 0, trained,
                epochSps.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /**
     * One forward + loss + backward of a micro-batch whose loss enters the step with weight
     * {@code weight * mb / bs}; returns that weighted loss.
     */
    /** Forward, loss and backward of one micro-batch; {@code gradsZero}: the parameter gradients are all zero now. */
    private double pass(Context ctx, Workspace ws, float[] x, int mb, int bs, int outputs, Targets targets,
                        double weight, boolean gradsZero) {
        int yo = model.forward(ctx, ws, x, 0, mb);
        double l = loss.compute(ws.data(), yo, mb, outputs, targets, ws.data(), ws.outputGradOffset());
        float scale = (float) (weight * mb / bs);
        if (scale != 1f) {
            float[] d = ws.data();
            for (int k = 0; k < mb * outputs; k++) {
                d[ws.outputGradOffset() + k] *= scale;
            }
        }
        model.backward(ctx.gradsZero(gradsZero), ws, x, 0, mb, null, 0);
        return l * weight * mb / bs;
    }

    private void save(int epoch, long stepInEpoch, long stepsPerEpoch) {
        for (Param p : model.params().all()) {
            for (int i = 0; i < p.numel(); i++) {
                if (!Float.isFinite(p.get(i))) {
                    throw new TrainingDivergedException("step " + globalStep + ": parameter " + p.name()
                            + " is no longer finite; checkpoint not written, the last good one is kept at " + cfg.save);
                }
            }
        }
        if (stepInEpoch >= stepsPerEpoch) {
            epoch++;
            stepInEpoch = 0;
        }
        Checkpoint.save(cfg.save, model, spec,
                new Checkpoint.TrainState(epoch, stepInEpoch, globalStep, cfg.seed, opt.describe()), opt, extraMetadata);
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

    @Override
    public void close() {
        pool.close();
    }
}
