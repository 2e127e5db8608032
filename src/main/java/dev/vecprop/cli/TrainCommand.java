package dev.vecprop.cli;

import dev.vecprop.ConfigException;
import dev.vecprop.data.Augmentation;
import dev.vecprop.data.DataSource;
import dev.vecprop.data.Normalization;
import dev.vecprop.io.Json;
import dev.vecprop.io.Safetensors;
import dev.vecprop.layer.LayerRegistry;
import dev.vecprop.layer.Sequential;
import dev.vecprop.loss.BCEWithLogits;
import dev.vecprop.loss.L1Penalty;
import dev.vecprop.loss.L2Penalty;
import dev.vecprop.loss.Loss;
import dev.vecprop.loss.SoftmaxCrossEntropy;
import dev.vecprop.optim.Adagrad;
import dev.vecprop.optim.Adam;
import dev.vecprop.optim.Initializer;
import dev.vecprop.optim.LrSchedule;
import dev.vecprop.optim.OptimizerFactory;
import dev.vecprop.optim.RMSprop;
import dev.vecprop.optim.SGD;
import dev.vecprop.plot.TrainingCurvesListener;
import dev.vecprop.Platform;
import dev.vecprop.train.Attack;
import dev.vecprop.train.BestCheckpoint;
import dev.vecprop.train.Checkpoint;
import dev.vecprop.train.EarlyStopping;
import dev.vecprop.train.EpochMetrics;
import dev.vecprop.train.Evaluation;
import dev.vecprop.train.Evaluator;
import dev.vecprop.train.FitResult;
import dev.vecprop.train.ModelSpec;
import dev.vecprop.train.Monitor;
import dev.vecprop.train.Trainer;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code vecprop train}: builds a model from {@code --arch}, opens the data, and fits it through the
 * public API ({@link Trainer}), printing one line per epoch through a listener.
 */
final class TrainCommand {
    private TrainCommand() {}

    static final Option.Table OPTIONS = new Option.Table("""
            usage: vecprop train [options]
              Trains the tutorial's MLP (784-256-128-10, ReLU, softmax cross-entropy, Adam lr 1e-3, batch 64,
              10 epochs) on MNIST, fetching it into data/ when missing, and prints one line per epoch.""")
            .section("data")
            .valued("dataset", "NAME", "mnist (default) or fashion-mnist")
            .valued("data", "DIR", "any folder with train/t10k images/labels IDX files (raw or .gz)")
            .valued("limit", "N", "train on the first N samples only")
            .valued("validation-split", "F", "hold out a seeded share F of the training samples for validation\n"
                    + "(per-epoch metrics on it; the test set is scored once at the end)")
            .valued("normalize", "M", "scale (default: pixels/255/std, blank pixels stay 0, which the first\n"
                    + "layer skips), standard ((pixels/255 - mean)/std) or none (pixels/255)")
            .flag("no-normalize", "same as --normalize none")
            .flag("no-shuffle", "keep the file order")
            .section("model")
            .valued("arch", "A", """
                    784-256-128-10 style sizes, or mlp | mlp-small (784-128-64-10) | binary (784-128-64-1)
                    | lenet (LeNet-5 CNN) | convnet (conv32-conv64-pool-dropout-FC128-dropout-FC10)
                    | a CNN spelled in dash-separated tokens, e.g.
                      conv32x3-relu-conv64x3-relu-maxpool2-dropout0.25-fc128-relu-dropout0.5-fc10
                      (conv<out>x<k>[s<stride>][p<pad>][d<dil>][g<groups>], maxpool<k>, avgpool<k>,
                      gap, bn, relu|tanh|sigmoid|gelu|leakyrelu, dropout<p>, fc<out>; input 1x28x28)
                    | lstm | gru (sequential MNIST: 28 rows as 28 steps, LSTM/GRU(28->128), last state -> FC10)
                    | transformer (sequential MNIST: 28 rows as time steps, 2 pre-norm encoder blocks
                      d 64, 4 heads, GELU MLP 256, mean over time; docs/ATTENTION.md)""")
            .valued("activation", "F", "relu (default), leakyrelu, sigmoid, tanh, gelu (MLPs)")
            .valued("dropout", "P", "dropout after each hidden layer (MLPs; default 0)")
            .flag("batchnorm", "BatchNorm1d after each hidden Linear (MLPs)")
            .valued("binary", "D", "\"digit D vs the rest\": one sigmoid output, binary cross-entropy;\n"
                    + "reports accuracy, precision and recall")
            .valued("init", "I", "pytorch (default), normal, xavier, xavier-normal, kaiming, kaiming-normal")
            .valued("init-sigma", "S", "sigma for --init normal (default 0.01, as the tutorial)")
            .valued("init-from", "FILE", "start from a checkpoint's weights")
            .section("optimisation")
            .valued("optimizer", "O", "adam (default), adamw, sgd, momentum, nesterov, adagrad, rmsprop")
            .valued("lr", "X", "learning rate (default 0.001)")
            .valued("momentum", "M", "for momentum/nesterov (default 0.9)")
            .valued("weight-decay", "W", "L2 weight decay (AdamW: decoupled, default 0.01)")
            .valued("schedule", "S", "cosine (default), constant, step:EPOCHS:GAMMA")
            .valued("warmup", "N", "linear warm-up over the first N steps")
            .valued("epochs", "N", "(default 10; 12 for --arch lenet)")
            .valued("batch", "N|full", "mini-batch size (default 64); 1 = stochastic GD; full = the whole training set\n"
                    + "in one step (batch GD, computed in micro-batches of 1024)")
            .valued("l1", "X", "penalty X*sum|w| on the weights")
            .valued("l2", "X", "penalty X*sum w^2 on the weights")
            .valued("clip-norm", "X", "clip the global gradient norm to X")
            .valued("clip-value", "X", "clip every gradient element to [-X, X]")
            .flag("skip-nonfinite", "skip a step whose loss is NaN/Inf instead of stopping")
            .valued("early-stopping", "N", "stop when the validation loss has not improved for N epochs and keep\n"
                    + "the best epoch's weights (needs a validation set: the test set, or --validation-split)")
            .section("robustness")
            .valued("augment", "SPEC", """
                    on-the-fly augmentation of training batches, comma-separated:
                    shift=PX (+-, default 2), rotate=DEG (+-, default 10), scale=FRAC (1+-s),
                    elastic[=PX] (smooth random displacement, default 2), erase[=P] (random
                    erasing with probability P, default 0.5); e.g. shift=2,rotate=10,elastic""")
            .valued("adversarial", "A", "fgsm or pgd: adversarial training (Goodfellow et al. 2015), each batch's\n"
                    + "loss = (1 - r) L(x) + r L(x_adv); robust accuracy is reported per epoch")
            .valued("eps", "E", "attack budget in pixel units, L-infinity (default 0.1)")
            .valued("adv-ratio", "R", "weight r of the adversarial loss (default 0.5)")
            .valued("pgd-steps", "N", "PGD steps (default 10)")
            .valued("pgd-alpha", "X", "PGD step size (default eps/4)")
            .section("run")
            .valued("seed", "N", "(default 0); same seed => bit-identical weights for any --threads")
            .valued("threads", "N", "worker threads (default: all cores)")
            .valued("save", "FILE", "write a resumable safetensors checkpoint after every epoch (atomically)")
            .valued("checkpoint-every", "N", "also every N steps (needs --save)")
            .valued("keep-best", "FILE", "keep the model of the best validation-loss epoch in FILE (structure and weights)")
            .valued("resume", "FILE", "continue a run exactly where its checkpoint stopped")
            .valued("max-steps", "N", "stop after N optimizer steps in total (saving if --save)")
            .valued("plot", "FILE.svg", "write the training curves (loss, accuracy per epoch) as SVG, each epoch")
            .flag("json", "print one final JSON line")
            .flag("no-progress", "no live progress bar");

    static int run(String[] argv, PrintStream out, PrintStream err) {
        if (argv.length > 0 && argv[0].equals("--help")) {
            out.print(OPTIONS.help());
            return 0;
        }
        Args a = OPTIONS.parse("train", argv);
        boolean json = a.has("json");
        boolean progress = !a.has("no-progress");
        String dataset = a.str("dataset", "mnist");
        Path dataDir = a.path("data");
        if (dataDir != null && a.has("dataset")) {
            throw new UsageException("train: give --dataset or --data, not both");
        }
        int limit = a.integer("limit", 0, 1, Integer.MAX_VALUE);
        double split = a.real("validation-split", 0, 0, 0.99, true);
        String normalize = a.str("normalize", "scale").toLowerCase(Locale.ROOT);
        if (!Set.of("scale", "standard", "none").contains(normalize)) {
            throw new UsageException("train: --normalize expects scale, standard or none, got '" + normalize + "'");
        }
        if (a.has("no-normalize")) {
            if (a.has("normalize") && !normalize.equals("none")) {
                throw new UsageException("train: --no-normalize contradicts --normalize " + normalize);
            }
            normalize = "none";
        }
        boolean shuffle = !a.has("no-shuffle");
        int binary = a.integer("binary", -1, 0, 1 << 20);
        String arch = a.str("arch", binary >= 0 ? "binary" : "mlp");
        String activation = a.str("activation", "relu");
        double dropout = a.real("dropout", 0, 0, 0.99, false);
        boolean batchNorm = a.has("batchnorm");
        Initializer init;
        try {
            init = Initializer.parse(a.str("init", "pytorch"));
        } catch (ConfigException e) {
            throw new UsageException("train: --init: " + e.getMessage());
        }
        double initSigma = a.real("init-sigma", 0.01, 0, 10, true);
        if (a.has("init-sigma") && init != Initializer.NORMAL) {
            throw new UsageException("train: --init-sigma is the sigma of --init normal; this run uses --init "
                    + a.str("init", "pytorch"));
        }
        Path initFrom = a.path("init-from");
        Path resume = a.path("resume");
        long seed = a.longValue("seed", 0, Long.MIN_VALUE, Long.MAX_VALUE);
        int threads = a.integer("threads", Math.max(1, Math.min(256, Runtime.getRuntime().availableProcessors())), 1, 256);
        // LeNet-5's recipe trains 12 epochs (on MNIST a little more accurate than 10)
        int epochs = a.integer("epochs", arch.trim().equalsIgnoreCase("lenet") ? 12 : 10, 1, 100_000);
        boolean fullBatch = "full".equals(a.str("batch", ""));
        int batch = fullBatch ? 0 : a.integer("batch", 64, 1, Integer.MAX_VALUE);
        double lr = a.real("lr", 1e-3, 0, 10, true);
        OptimizerFactory optimizer = optimizer(a);
        LrSchedule schedule = schedule(a.str("schedule", "cosine"), (float) lr, epochs,
                a.longValue("warmup", 0, 0, Long.MAX_VALUE));
        Path save = a.path("save");
        long checkpointEvery = a.longValue("checkpoint-every", 0, 1, Long.MAX_VALUE);
        if (checkpointEvery > 0 && save == null) {
            throw new UsageException("train: --checkpoint-every needs --save FILE");
        }
        Path keepBest = a.path("keep-best");
        Path plot = OutputFile.prepare("train", "plot", a.path("plot"));
        long maxSteps = a.longValue("max-steps", 0, 1, Long.MAX_VALUE);
        int patience = a.integer("early-stopping", -1, 0, 100_000);
        Attack attack = null;
        double advRatio = 0;
        if (a.has("adversarial")) {
            try {
                attack = Attack.parse(a.str("adversarial", "fgsm"), a.real("eps", 0.1, 0, 1, true),
                        a.integer("pgd-steps", 10, 1, 1000), a.real("pgd-alpha", 0, 0, 1, false));
            } catch (ConfigException e) {
                throw new UsageException("train: --adversarial: " + e.getMessage());
            }
            advRatio = a.real("adv-ratio", 0.5, 0, 1, false);
        } else if (a.has("eps") || a.has("adv-ratio") || a.has("pgd-steps") || a.has("pgd-alpha")) {
            throw new UsageException("train: --eps, --adv-ratio and --pgd-* need --adversarial fgsm|pgd");
        }
        Augmentation augment = null;
        if (a.has("augment")) {
            try {
                augment = Augmentation.parse(a.str("augment", ""));
            } catch (ConfigException e) {
                throw new UsageException("train: --augment: " + e.getMessage());
            }
        }
        double l1 = a.real("l1", 0, 0, 10, false);
        double l2 = a.real("l2", 0, 0, 10, false);
        double clipNorm = a.real("clip-norm", 0, 0, Double.MAX_VALUE, true);
        double clipValue = a.real("clip-value", 0, 0, Double.MAX_VALUE, true);
        boolean skipNonFinite = a.has("skip-nonfinite");
        a.requireAllRead();

        // The model: from --arch, or from the checkpoint being resumed (its structure decides).
        ModelSpec spec = null;
        Sequential model;
        String modelName;
        if (resume != null && Checkpoint.state(resume, Checkpoint.read(resume)) == null) {
            throw new UsageException("train: " + resume + " has no training state to resume from (a weights-only file):"
                    + " start from its weights with --init-from " + resume);
        }
        if (resume != null && !a.has("arch")) {
            Safetensors.Contents c = Checkpoint.read(resume);
            model = CheckpointModels.build(resume, c, LayerRegistry.builtIn());
            modelName = CheckpointModels.name(c);
        } else {
            try {
                spec = ModelSpec.parse(arch, activation, dropout, batchNorm);
            } catch (ConfigException e) {
                throw new UsageException("train: " + e.getMessage());
            }
            model = spec.build();
            modelName = spec.encode();
        }
        int outputs = model.outputShape().size();
        if (binary >= 0 && outputs != 1) {
            throw new UsageException("train: --binary needs a one-output model (e.g. --arch binary), "
                    + modelName + " has " + outputs + " outputs");
        }
        init.apply(model, seed, initSigma);
        if (initFrom != null) {
            Checkpoint.loadWeights(initFrom, model);
        }
        Loss loss = binary >= 0 ? new BCEWithLogits() : new SoftmaxCrossEntropy();
        try (DataOptions data = DataOptions.open("train", dataset, dataDir, binary >= 0 ? 0 : outputs, err)) {
            if (binary >= data.train().classes()) {
                throw new UsageException("train: --binary " + binary + " is not a class of " + data.name()
                        + " (0.." + (data.train().classes() - 1) + ")");
            }
            if (data.train().itemSize() != model.inputShape().size()) {
                throw new UsageException("train: the model " + modelName + " takes " + model.inputShape().size()
                        + " inputs, " + data.name() + " samples have " + data.train().itemSize() + " values "
                        + data.train().sampleShape());
            }
            Normalization norm = Normalization.NONE;
            if (!normalize.equals("none")) {
                double[] ms = data.train().pixelStats();
                norm = new Normalization(normalize.equals("standard") ? (float) ms[0] : 0f, (float) ms[1]);
            }
            data.train().normalize(norm.mean(), norm.std());
            data.test().normalize(norm.mean(), norm.std());
            DataSource train = data.train();
            DataSource test = data.test();
            if (binary >= 0) {
                final int d = binary;
                train = train.mapLabels(y -> y == d ? 1 : 0, 2);
                test = test.mapLabels(y -> y == d ? 1 : 0, 2);
            }
            if (limit > 0) {
                train = train.head(Math.min(limit, train.size()));
            }
            Trainer.Builder tb = Trainer.builder()
                    .loss(loss).optimizer(optimizer).schedule(schedule)
                    .epochs(epochs).seed(seed).threads(threads).shuffle(shuffle)
                    .clipNorm(clipNorm).clipValue(clipValue).skipNonFinite(skipNonFinite)
                    .augmentation(augment).adversarial(attack, advRatio)
                    .checkpoint(save, checkpointEvery).resumeFrom(resume).maxSteps(maxSteps);
            if (fullBatch) {
                tb.fullBatch();
            } else {
                tb.batchSize(batch);
            }
            if (split > 0) {
                tb.validationSplit(split);
            } else {
                tb.validation(test);
            }
            if (l1 > 0) {
                tb.penalty(new L1Penalty(l1));
            }
            if (l2 > 0) {
                tb.penalty(new L2Penalty(l2));
            }
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("vecprop.description", modelName);
            if (binary >= 0) {
                meta.put("vecprop.binary_digit", Integer.toString(binary));
            }
            meta.forEach(tb::metadata);
            ConsoleListener console = new ConsoleListener(out, err, json, progress && !json,
                    modelName, model.params().parameterCount(), split > 0 ? "val" : "test", attack);
            tb.listener(console);
            if (patience >= 0) {
                tb.listener(EarlyStopping.of(Monitor.VALIDATION_LOSS).patience(patience).restoreBest(true));
            }
            if (keepBest != null) {
                tb.listener(new BestCheckpoint(keepBest, Monitor.VALIDATION_LOSS, norm, meta));
            }
            if (plot != null) {
                tb.listener(new TrainingCurvesListener(plot, modelName + " on " + data.name()));
            }
            Trainer trainer;
            try {
                trainer = tb.build();
            } catch (ConfigException e) {
                throw new UsageException("train: " + e.getMessage());
            }
            FitResult r;
            try {
                r = trainer.fit(model, train);
            } catch (ConfigException e) {
                throw new UsageException("train: " + e.getMessage());
            }
            Evaluation last = split > 0 || r.last() == null || r.last().validation() == null
                    ? Evaluator.evaluate(model, test, loss, threads) : r.last().validation();
            if (save != null && r.last() == null && r.stopReason() == null) {
                throw new IllegalStateException("train: no epoch ran");
            }
            if (!json) {
                out.printf(Locale.ROOT, "done: test accuracy %.2f%% after %d epochs, %.1f s training, %,.0f samples/s%s%n",
                        100 * last.accuracy(), r.epochs().isEmpty() ? 0 : r.last().epoch() + 1, r.trainSeconds(),
                        r.samplesPerSecond(), save != null ? "; saved " + save : "");
            } else {
                out.println(jsonLine(r, last, console, data.name(), modelName, trainer, threads, batch, seed, attack, split > 0));
            }
        }
        return 0;
    }

    private static String jsonLine(FitResult r, Evaluation last, ConsoleListener console, String dataName, String modelName,
                                   Trainer t, int threads, int batch, long seed, Attack attack, boolean heldOut) {
        Json.ObjectWriter j = Json.object();
        j.put("test_accuracy", last.accuracy());
        j.put("test_loss", last.loss());
        if (last.binary()) {
            j.put("precision", last.precision()).put("recall", last.recall());
        }
        if (attack != null && r.last() != null && r.last().robust() != null) {
            j.put("robust_accuracy", r.last().robust().accuracy());
            j.put("attack", attack.describe());
        }
        j.put("epochs", r.epochs().size());
        Json.ArrayWriter accuracies = Json.array();
        Json.ArrayWriter speeds = Json.array();
        for (EpochMetrics e : r.epochs()) {
            if (e.validation() == null) {
                accuracies.addNull();
            } else {
                accuracies.add(e.validation().accuracy());
            }
            speeds.add(Math.round(e.samplesPerSecond()));
        }
        // per epoch on what the fit validated on: the held-out share with --validation-split, else the test set
        j.put(heldOut ? "epoch_validation_accuracy" : "epoch_test_accuracy", accuracies);
        j.put("epoch_samples_per_second", speeds);
        j.put("train_seconds", r.trainSeconds());
        j.put("samples_per_second", r.samplesPerSecond());
        j.put("global_steps", r.globalSteps());
        j.put("trained_samples", r.trainedSamples());
        if (r.stopReason() != null) {
            j.put("stopped", r.stopReason());
        }
        j.put("threads", threads);
        j.put("vector_bits", Platform.vectorBits());
        j.put("batch", batch);
        j.put("seed", seed);
        j.put("arch", modelName);
        j.put("optimizer", console.optimizer());
        j.put("dataset", dataName);
        return j.toString();
    }

    static OptimizerFactory optimizer(Args a) {
        String name = a.str("optimizer", "adam").toLowerCase(Locale.ROOT);
        double momentum = a.real("momentum", 0.9, 0, 1, false);
        if (a.has("momentum") && !name.equals("momentum") && !name.equals("nesterov")) {
            throw new UsageException("train: --momentum is for --optimizer momentum or nesterov, not " + name);
        }
        boolean hasWd = a.has("weight-decay");
        double wd = a.real("weight-decay", 0, 0, 10, false);
        try {
            return switch (name) {
                case "sgd" -> SGD.options().weightDecay(wd);
                case "momentum" -> SGD.options().momentum(momentum).weightDecay(wd);
                case "nesterov" -> SGD.options().momentum(momentum).nesterov(true).weightDecay(wd);
                case "adam" -> Adam.options().weightDecay(wd);
                case "adamw" -> hasWd ? Adam.adamW().weightDecay(wd) : Adam.adamW();
                case "adagrad" -> Adagrad.options().weightDecay(wd);
                case "rmsprop" -> RMSprop.options().weightDecay(wd);
                default -> throw new UsageException("train: unknown --optimizer '" + name
                        + "' (sgd, momentum, nesterov, adam, adamw, adagrad, rmsprop)");
            };
        } catch (ConfigException e) {
            throw new UsageException("train: " + e.getMessage());
        }
    }

    static LrSchedule schedule(String spec, float lr, int epochs, long warmup) {
        String s = spec.toLowerCase(Locale.ROOT);
        LrSchedule base;
        try {
            if (s.equals("constant")) {
                base = LrSchedule.constant(lr);
            } else if (s.equals("cosine")) {
                base = LrSchedule.cosine(lr, 0f, epochs);
            } else if (s.startsWith("step")) {
                String[] p = s.split(":");
                int every;
                float gamma;
                try {
                    every = p.length > 1 ? Integer.parseInt(p[1]) : 3;
                    gamma = p.length > 2 ? Float.parseFloat(p[2]) : 0.1f;
                } catch (NumberFormatException e) {
                    throw new UsageException("train: --schedule step:EPOCHS:GAMMA, got '" + spec + "'");
                }
                if (p.length > 3 || !(s.equals("step") || s.startsWith("step:"))) {
                    throw new UsageException("train: --schedule step:EPOCHS:GAMMA, got '" + spec + "'");
                }
                base = LrSchedule.step(lr, every, gamma);
            } else {
                throw new UsageException("train: unknown --schedule '" + spec + "' (constant, cosine, step:EPOCHS:GAMMA)");
            }
            return warmup > 0 ? LrSchedule.warmup(base, warmup) : base;
        } catch (ConfigException e) {
            throw new UsageException("train: --schedule: " + e.getMessage());
        }
    }
}
