package dev.vecprop.cli;

import dev.vecprop.ConfigException;
import dev.vecprop.data.DataSource;
import dev.vecprop.io.Json;
import dev.vecprop.loss.BCEWithLogits;
import dev.vecprop.loss.Loss;
import dev.vecprop.loss.SoftmaxCrossEntropy;
import dev.vecprop.plot.ConfusionMatrixHeatMap;
import dev.vecprop.train.Attack;
import dev.vecprop.train.Evaluation;
import dev.vecprop.train.Evaluator;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** {@code vecprop eval --model FILE}: test-set loss, accuracy, per-class scores and the confusion matrix. */
final class EvalCommand {
    private EvalCommand() {}

    static final Option.Table OPTIONS = new Option.Table("""
            usage: vecprop eval --model FILE [options]
              Loads a safetensors checkpoint (vecprop's, or a PyTorch nn.Sequential export with --arch) and
              reports test loss, accuracy, top-k accuracy, per-class precision/recall/F1 and the confusion
              matrix (binary models: precision and recall). With --attack, also the accuracy on white-box
              adversarial examples (eps in pixel units, L-inf).""")
            .valued("model", "FILE", "the checkpoint (required)")
            .valued("dataset", "NAME", "mnist (default) or fashion-mnist")
            .valued("data", "DIR", "any folder with the four IDX files")
            .valued("arch", "A", "the architecture of a file that records none (a PyTorch nn.Sequential export)")
            .valued("input-mean", "X", "input normalisation (x - X) / S for a file that records none (default 0)")
            .valued("input-std", "S", "(default 1); vecprop's own checkpoints record theirs")
            .valued("binary", "D", "score a one-output model as \"digit D vs the rest\" (default: as trained)")
            .valued("threads", "N", "worker threads (default: all cores)")
            .valued("top", "K", "also report top-K accuracy (default 5, or the number of classes if fewer)")
            .valued("confusion-svg", "FILE.svg", "write the confusion matrix as an SVG heat map")
            .valued("attack", "A", "fgsm or pgd: also score adversarial examples")
            .valued("eps", "E", "attack budget in pixel units (default 0.1)")
            .valued("pgd-steps", "N", "PGD steps (default 10)")
            .valued("pgd-alpha", "X", "PGD step size (default eps/4)")
            .flag("json", "print one JSON line");

    static int run(String[] argv, PrintStream out, PrintStream err) {
        if (argv.length > 0 && argv[0].equals("--help")) {
            out.print(OPTIONS.help());
            return 0;
        }
        Args a = OPTIONS.parse("eval", argv);
        if (!a.has("model")) {
            throw new UsageException("eval: --model FILE is required");
        }
        ModelFile mf = ModelFile.load("eval", a, err);
        int outputs = mf.model().outputShape().size();
        int binary = a.integer("binary", mf.binaryDigit(), 0, 1 << 20);
        if (outputs == 1 && binary < 0) {
            throw new UsageException("eval: a one-output model is a binary classifier: pass --binary D");
        }
        if (outputs > 1 && a.has("binary")) {
            throw new UsageException("eval: --binary is for one-output models, this one has " + outputs + " outputs");
        }
        String dataset = a.str("dataset", "mnist");
        Path dataDir = a.path("data");
        if (dataDir != null && a.has("dataset")) {
            throw new UsageException("eval: give --dataset or --data, not both");
        }
        int threads = a.integer("threads", Math.max(1, Math.min(256, Runtime.getRuntime().availableProcessors())), 1, 256);
        int top = a.integer("top", Math.min(5, Math.max(outputs, 2)), 1, Math.max(outputs, 2));
        Path svg = OutputFile.prepare("eval", "confusion-svg", a.path("confusion-svg"));
        Attack attack = null;
        if (a.has("attack")) {
            try {
                attack = Attack.parse(a.str("attack", "fgsm"), a.real("eps", 0.1, 0, 1, true),
                        a.integer("pgd-steps", 10, 1, 1000), a.real("pgd-alpha", 0, 0, 1, false));
            } catch (ConfigException ex) {
                throw new UsageException("eval: --attack: " + ex.getMessage());
            }
        } else if (a.has("eps") || a.has("pgd-steps") || a.has("pgd-alpha")) {
            throw new UsageException("eval: --eps and --pgd-* need --attack fgsm|pgd");
        }
        boolean json = a.has("json");
        a.requireAllRead();
        try (DataOptions d = DataOptions.open("eval", dataset, dataDir, outputs == 1 ? 0 : outputs, err)) {
            if (d.test().itemSize() != mf.model().inputShape().size()) {
                throw new UsageException("eval: the model takes " + mf.model().inputShape() + " inputs, " + d.name()
                        + " samples are " + d.test().sampleShape());
            }
            if (binary >= d.test().classes() && outputs == 1) {
                throw new UsageException("eval: --binary " + binary + " is not a class of " + d.name());
            }
            d.test().normalize(mf.normalization().mean(), mf.normalization().std());
            DataSource test = d.test();
            Loss loss = new SoftmaxCrossEntropy();
            if (outputs == 1) {
                final int digit = binary;
                test = test.mapLabels(y -> y == digit ? 1 : 0, 2);
                loss = new BCEWithLogits();
            }
            Evaluation e;
            Evaluation robust = null;
            try {
                e = Evaluator.evaluate(mf.model(), test, loss, threads);
                if (attack != null) {
                    robust = Evaluator.evaluateRobust(mf.model(), test, loss, attack, threads);
                }
            } catch (ConfigException ex) {
                throw new UsageException("eval: " + ex.getMessage());
            }
            List<String> names = e.binary() || d.classNames() == null || d.classNames().size() != e.classes()
                    ? null : d.classNames();
            if (svg != null) {
                try {
                    new ConfusionMatrixHeatMap(String.format(Locale.ROOT, "%s on %s: accuracy %.2f%% on %,d samples",
                            mf.name(), d.name(), 100 * e.accuracy(), e.samples()), e.confusion(), names).write(svg);
                } catch (java.io.IOException ex) {
                    throw new dev.vecprop.VecpropException("cannot write " + svg + ": " + ex.getMessage(), ex);
                }
            }
            if (json) {
                Json.ObjectWriter j = Json.object()
                        .put("test_accuracy", e.accuracy())
                        .put("test_loss", e.loss())
                        .put("top" + top + "_accuracy", e.topKAccuracy(top))
                        .put("macro_f1", e.macroF1())
                        .put("samples", e.samples())
                        .put("threads", threads);
                if (e.binary()) {
                    j.put("precision", e.precision()).put("recall", e.recall());
                }
                if (robust != null) {
                    j.put("robust_accuracy", robust.accuracy()).put("attack", attack.describe());
                }
                out.println(j);
            } else {
                out.printf(Locale.ROOT, "%s on %s test set (%d samples): accuracy %.2f%%, top-%d %.2f%%, loss %.4f, macro F1 %.4f%n",
                        mf.name(), d.name(), e.samples(), 100 * e.accuracy(), top, 100 * e.topKAccuracy(top), e.loss(), e.macroF1());
                if (e.binary()) {
                    out.printf(Locale.ROOT, "digit %d vs rest: precision %.4f, recall %.4f%n", binary, e.precision(), e.recall());
                }
                if (robust != null) {
                    out.printf(Locale.ROOT, "under %s: accuracy %.2f%% (clean %.2f%%)%n", attack.describe(),
                            100 * robust.accuracy(), 100 * e.accuracy());
                }
                out.print(e.confusionTable());
                out.print(e.classReport(names));
                if (svg != null) {
                    out.println("confusion matrix written to " + svg);
                }
            }
        }
        return 0;
    }
}
