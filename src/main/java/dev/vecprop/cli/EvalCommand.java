package dev.vecprop.cli;

import dev.vecprop.concurrent.WorkerPool;
import dev.vecprop.train.DataSets;
import dev.vecprop.train.Evaluation;
import dev.vecprop.train.Evaluator;
import dev.vecprop.train.TrainConfig;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Set;

/** {@code vecprop eval --model FILE}: test-set loss, accuracy and confusion matrix. */
final class EvalCommand {
    private EvalCommand() {}

    static final String HELP = """
            usage: vecprop eval --model FILE [--dataset NAME | --data DIR] [--arch A] [--binary D] [--threads N] [--json]
                                [--attack fgsm|pgd --eps E [--pgd-steps N --pgd-alpha X]]
              Loads a safetensors checkpoint (vecprop's, or a PyTorch nn.Sequential export with --arch) and
              reports test loss, accuracy and the confusion matrix (binary models: precision and recall).
              With --attack, also the accuracy on white-box adversarial examples (eps in pixel units, L-inf).""";

    static int run(String[] argv, PrintStream out, PrintStream err) {
        if (argv.length > 0 && argv[0].equals("--help")) {
            out.println(HELP);
            return 0;
        }
        Args a = new Args("eval", argv, Set.of("json"), Set.of("model", "dataset", "data", "arch", "binary", "threads",
                "attack", "eps", "pgd-steps", "pgd-alpha"));
        if (!a.has("model")) {
            throw new UsageException("eval: --model FILE is required");
        }
        ModelFile mf = ModelFile.load(a.path("model"), a.str("arch", null));
        int binary = a.integer("binary", mf.binaryDigit(), 0, 1 << 20);
        TrainConfig c = new TrainConfig();
        c.dataset = a.str("dataset", c.dataset);
        c.dataDir = a.path("data");
        int threads = a.integer("threads", c.threads, 1, 256);
        try (DataSets d = DataSets.open(c, err); WorkerPool pool = new WorkerPool(threads)) {
            if (d.test().itemSize() != mf.spec().inputs()) {
                throw new UsageException("eval: the model takes " + mf.spec().inputs() + " inputs, " + d.name()
                        + " samples have " + d.test().itemSize());
            }
            if (mf.spec().outputs() == 1 && binary < 0) {
                throw new UsageException("eval: a one-output model is a binary classifier: pass --binary D");
            }
            d.test().normalize(mf.mean(), mf.std());
            Evaluation e = Evaluator.evaluate(mf.model(), d.test(), mf.spec().outputs() == 1 ? binary : -1, pool);
            dev.vecprop.train.Attack attack = null;
            Evaluation robust = null;
            if (a.has("attack")) {
                try {
                    attack = dev.vecprop.train.Attack.parse(a.str("attack", "fgsm"), a.real("eps", 0.1, 0, 1, true),
                            a.integer("pgd-steps", 10, 1, 1000), a.real("pgd-alpha", 0, 0, 1, false));
                } catch (IllegalArgumentException ex) {
                    throw new UsageException("eval: --attack: " + ex.getMessage());
                }
                robust = Evaluator.evaluateRobust(mf.model(), d.test(), mf.spec().outputs() == 1 ? binary : -1, pool,
                        attack, mf.mean(), mf.std());
            }
            if (a.has("json")) {
                out.printf(Locale.ROOT, "{\"test_accuracy\":%s,\"test_loss\":%s,\"samples\":%d%s%s}%n", e.accuracy(), e.loss(),
                        e.samples(), e.binary() ? ",\"precision\":" + e.precision() + ",\"recall\":" + e.recall() : "",
                        robust == null ? "" : ",\"robust_accuracy\":" + robust.accuracy() + ",\"attack\":\"" + attack.describe() + "\"");
            } else {
                out.printf(Locale.ROOT, "%s on %s test set (%d samples): accuracy %.2f%%, loss %.4f%n", mf.spec().encode(),
                        d.name(), e.samples(), 100 * e.accuracy(), e.loss());
                if (e.binary()) {
                    out.printf(Locale.ROOT, "digit %d vs rest: precision %.4f, recall %.4f%n", binary, e.precision(), e.recall());
                }
                if (robust != null) {
                    out.printf(Locale.ROOT, "under %s: accuracy %.2f%% (clean %.2f%%)%n", attack.describe(),
                            100 * robust.accuracy(), 100 * e.accuracy());
                }
                out.print(e.confusionTable());
            }
        }
        return 0;
    }
}
