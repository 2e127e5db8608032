package dev.vecprop.cli;

import dev.vecprop.data.TextCorpus;
import dev.vecprop.io.Json;
import dev.vecprop.layer.Sequential;
import dev.vecprop.train.Checkpoint;
import dev.vecprop.train.CharLanguageModel;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code vecprop train-lm}: a character-level language model ({@link CharLanguageModel}) on the
 * {@code fortunes} corpus (fetched into data/ when missing, {@link CorpusFetcher}) or a text file;
 * prints the training and held-out loss and bits per character of every epoch.
 */
final class TrainLmCommand {
    private TrainLmCommand() {}

    static final Option.Table OPTIONS = new Option.Table("""
            usage: vecprop train-lm [options]
              Trains a character-level LSTM language model (Embedding(128, E) -> LSTM(E->H) over windows of T
              characters -> Linear(H->128) at every step, next-character cross-entropy, Adam, cosine lr,
              gradient-norm clipping) and prints loss and bits per character per epoch on a held-out split.""")
            .section("data")
            .valued("dataset", "NAME", "fortunes (default): the Debian package fortunes' data files, about 2.5 MB")
            .valued("text", "FILE", "train on this text file instead")
            .valued("held-out", "F", "the share of the text (its end) held out (default 0.05)")
            .valued("limit", "N", "train on N windows per epoch (default: all)")
            .section("model")
            .valued("steps", "T", "window length in characters (default 64)")
            .valued("embed", "E", "embedding features (default 32)")
            .valued("hidden", "H", "LSTM hidden features (default 256)")
            .valued("layers", "L", "LSTM layers (default 1)")
            .section("optimisation")
            .valued("epochs", "N", "(default 2)")
            .valued("batch", "N", "windows per step (default 32)")
            .valued("lr", "X", "Adam's learning rate (default 0.003)")
            .valued("clip-norm", "X", "clip the global gradient norm to X (default 1; 0: off)")
            .section("run")
            .valued("seed", "N", "(default 0)")
            .valued("threads", "N", "worker threads (default: all cores)")
            .valued("save", "FILE", "write the model (structure and weights) after every epoch")
            .flag("json", "print one final JSON line");

    static int run(String[] argv, PrintStream out, PrintStream err) {
        if (argv.length > 0 && argv[0].equals("--help")) {
            out.print(OPTIONS.help());
            return 0;
        }
        Args a = OPTIONS.parse("train-lm", argv);
        String dataset = a.str("dataset", CorpusFetcher.NAME);
        Path textFile = a.path("text");
        double heldShare = a.real("held-out", 0.05, 0, 0.5, true);
        int limit = a.integer("limit", 0, 1, Integer.MAX_VALUE);
        int steps = a.integer("steps", 64, 1, 4096);
        int embed = a.integer("embed", 32, 1, 4096);
        int hidden = a.integer("hidden", 256, 1, 8192);
        int layers = a.integer("layers", 1, 1, 16);
        int epochs = a.integer("epochs", 2, 1, 100_000);
        int batch = a.integer("batch", 32, 1, 1 << 16);
        double lr = a.real("lr", 3e-3, 0, 10, true);
        double clip = a.real("clip-norm", 1.0, 0, Double.MAX_VALUE, false);
        long seed = a.longValue("seed", 0, Long.MIN_VALUE, Long.MAX_VALUE);
        int threads = a.integer("threads", Math.max(1, Math.min(256, Runtime.getRuntime().availableProcessors())), 1, 256);
        Path save = OutputFile.prepare("train-lm", "save", a.path("save"));
        boolean json = a.has("json");
        a.requireAllRead();
        if (textFile != null && a.has("dataset")) {
            throw new UsageException("train-lm: --text and --dataset are alternatives");
        }
        if (textFile == null && !dataset.equals(CorpusFetcher.NAME)) {
            throw new UsageException("train-lm: --dataset " + dataset + " is not a text corpus (fortunes, or --text FILE)");
        }
        TextCorpus all = textFile != null ? TextCorpus.read(textFile.toString(), List.of(textFile))
                : TextCorpus.read(CorpusFetcher.NAME, CorpusFetcher.ensure(DataRoot.fromLauncher()));
        int cut = (int) Math.round(all.length() * (1 - heldShare));
        TextCorpus train = all.slice(0, cut);
        TextCorpus held = all.slice(cut, all.length());
        if (train.windows(steps) < 1 || held.windows(steps) < 1) {
            throw new UsageException("train-lm: " + all.name() + " (" + all.length() + " characters) is too short for windows of "
                    + steps + " characters in both the training and the held-out part");
        }
        Sequential model = CharLanguageModel.build(steps, embed, hidden, layers);
        model.initialize(seed);
        String arch = "charlm steps=" + steps + " embed=" + embed + " hidden=" + hidden + " layers=" + layers;
        out.printf(Locale.ROOT, "model %s, %d parameters; corpus %s: %,d characters for training, %,d held out; "
                        + "Adam lr %s cosine, batch %d, clip-norm %s, %d threads%n", arch, model.params().parameterCount(),
                all.name(), train.length(), held.length(), lr, batch, clip, threads);
        CharLanguageModel.Options o = new CharLanguageModel.Options(epochs, batch, lr, clip, seed, threads, limit);
        List<CharLanguageModel.Epoch> eps = CharLanguageModel.fit(model, train, held, o, e -> {
            out.printf(Locale.ROOT, "epoch %2d/%d  train loss %.4f (%.3f bpc)  held-out loss %.4f (%.3f bpc)  %,.0f chars/s  %.1f s%n",
                    e.epoch(), epochs, e.trainLoss(), e.trainBitsPerChar(), e.heldOutLoss(), e.heldOutBitsPerChar(),
                    e.charsPerSecond(), e.seconds());
            if (save != null) {
                Checkpoint.save(save, model, dev.vecprop.data.Normalization.NONE,
                        Map.of("vecprop.description", arch, "vecprop.lm.corpus", all.name(), "vecprop.lm.epoch",
                                Integer.toString(e.epoch())));
            }
        });
        CharLanguageModel.Epoch last = eps.get(eps.size() - 1);
        if (json) {
            Json.ObjectWriter j = Json.object().put("arch", arch).put("corpus", all.name()).put("epochs", epochs)
                    .put("held_out_loss", last.heldOutLoss()).put("held_out_bpc", last.heldOutBitsPerChar())
                    .put("train_loss", last.trainLoss()).put("chars_per_s", last.charsPerSecond()).put("threads", threads);
            out.println(j);
        }
        return 0;
    }
}
