package dev.vecprop.spark.cli;

import dev.vecprop.ConfigException;
import dev.vecprop.VecpropException;
import dev.vecprop.data.IdxDataset;
import dev.vecprop.data.Normalization;
import dev.vecprop.layer.Sequential;
import dev.vecprop.optim.LrSchedule;
import dev.vecprop.spark.EpochReport;
import dev.vecprop.spark.IdxFiles;
import dev.vecprop.spark.Mode;
import dev.vecprop.spark.SparkFitResult;
import dev.vecprop.spark.SparkTrainer;
import dev.vecprop.spark.VectorApi;
import dev.vecprop.train.ModelSpec;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code vecprop spark}: trains the MLP on MNIST through {@link SparkTrainer}, printing one line
 * per epoch and a summary (or, with {@code --json}, a final JSON line). The command line is the
 * only place that parses options and prints; exit 0 on success, 2 on a usage or data error, 1 on a
 * runtime failure.
 */
public final class SparkCommand {
    private SparkCommand() {}

    static final String USAGE = """
            usage: vecprop spark [options]   data-parallel training of the MLP on MNIST through Apache Spark
              --master M          Spark master (default: spark-submit's, else local[2]; local[N,F] retries a
                                  failed task F-1 times)
              --mode sync|avg     sync: one optimizer step of a global batch per round, gradients added in
                                  partition order (default); avg: K local steps per partition, then averaging
              --batch B           sync: global batch per step (default 512); avg: local batch (default 32)
              --avg-every K       avg: local steps between averagings (default 100)
              --partitions P      data-parallel workers (default: the master's default parallelism)
              --epochs N          (default 2)
              --lr LR             Adam's peak learning rate, cosine to 0 over the epochs (default: sync 3e-3, avg 2e-3)
              --arch A            MLP layers or preset, as in `vecprop train` (default mlp: 784-256-128-10)
              --seed S            (default 0)
              --threads T         kernel threads per task (default 1)
              --data DIR          the four MNIST IDX files (default: data/mnist)
              --checkpoint URI    resumable checkpoint on any Hadoop file system (local path, file:, hdfs:, ...)
              --checkpoint-every N  rounds between checkpoints (default 0: at the end only)
              --resume URI        resume from such a checkpoint (same settings)
              --max-rounds N      stop after N rounds (then checkpoint)
              --json              print one final JSON line instead of the summary
            """;

    private static final Set<String> VALUED = Set.of("master", "mode", "batch", "avg-every", "partitions", "epochs", "lr",
            "arch", "seed", "threads", "data", "checkpoint", "checkpoint-every", "resume", "max-rounds");
    private static final Set<String> FLAGS = Set.of("json", "help", "verbose");

    /**
     * Runs the command.
     *
     * @param args the options
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, String> a;
        try {
            a = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("vecprop spark: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        if (a.containsKey("help")) {
            out.print(USAGE);
            return 0;
        }
        try {
            return train(a, out);
        } catch (IllegalArgumentException | VecpropException e) {
            err.println("vecprop spark: " + e.getMessage());
            if (a.containsKey("verbose")) {
                e.printStackTrace(err);
            }
            return 2;
        } catch (RuntimeException e) {
            err.println("vecprop spark: " + e);
            if (a.containsKey("verbose")) {
                e.printStackTrace(err);
            }
            return 1;
        }
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String s = args[i];
            if (!s.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + s + "'");
            }
            String key = s.substring(2);
            String value = null;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            }
            if (FLAGS.contains(key)) {
                if (value != null) {
                    throw new IllegalArgumentException("--" + key + " takes no value");
                }
                m.put(key, "");
            } else if (VALUED.contains(key)) {
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("--" + key + " needs a value");
                    }
                    value = args[++i];
                }
                m.put(key, value);
            } else {
                throw new IllegalArgumentException("unknown option --" + key);
            }
        }
        return m;
    }

    private static long number(Map<String, String> a, String key, long def, long lo, long hi) {
        String v = a.get(key);
        if (v == null) {
            return def;
        }
        long n;
        try {
            n = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " expects an integer, got '" + v + "'");
        }
        if (n < lo || n > hi) {
            throw new IllegalArgumentException("--" + key + " must be in " + lo + ".." + hi + ", got " + n);
        }
        return n;
    }

    private static int train(Map<String, String> a, PrintStream out) {
        String modeName = a.getOrDefault("mode", "sync").toLowerCase(Locale.ROOT);
        Mode mode = switch (modeName) {
            case "sync" -> Mode.SYNC;
            case "avg" -> Mode.AVG;
            default -> throw new IllegalArgumentException("--mode expects sync or avg, got '" + a.get("mode") + "'");
        };
        if (mode == Mode.SYNC && a.containsKey("avg-every")) {
            throw new IllegalArgumentException("--avg-every is a setting of --mode avg");
        }
        String master = a.getOrDefault("master", "local[2]");
        int epochs = (int) number(a, "epochs", 2, 1, 100_000);
        int batch = (int) number(a, "batch", mode == Mode.SYNC ? 512 : 32, 1, Integer.MAX_VALUE);
        int avgEvery = (int) number(a, "avg-every", 100, 1, Integer.MAX_VALUE);
        long seed = number(a, "seed", 0, Long.MIN_VALUE, Long.MAX_VALUE);
        int threads = (int) number(a, "threads", 1, 1, 256);
        long checkpointEvery = number(a, "checkpoint-every", 0, 0, Long.MAX_VALUE);
        long maxRounds = number(a, "max-rounds", 0, 0, Long.MAX_VALUE);
        double lr;
        try {
            lr = Double.parseDouble(a.getOrDefault("lr", mode == Mode.SYNC ? "3e-3" : "2e-3"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--lr expects a number, got '" + a.get("lr") + "'");
        }
        if (!(lr > 0 && lr <= 10)) {
            throw new IllegalArgumentException("--lr must be in (0, 10], got " + lr);
        }
        if (a.containsKey("checkpoint-every") && !a.containsKey("checkpoint")) {
            throw new IllegalArgumentException("--checkpoint-every needs --checkpoint URI");
        }
        Path dir = a.containsKey("data") ? Paths.get(a.get("data"))
                : Paths.get(System.getProperty("vecprop.data", "data"), "mnist");
        Path trainImages = dir.resolve("train-images-idx3-ubyte");
        Path trainLabels = dir.resolve("train-labels-idx1-ubyte");
        Path testImages = dir.resolve("t10k-images-idx3-ubyte");
        Path testLabels = dir.resolve("t10k-labels-idx1-ubyte");
        for (Path p : new Path[]{trainImages, trainLabels, testImages, testLabels}) {
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException(p + " not found: the Spark trainer reads raw MNIST IDX files (run "
                        + "`./vecprop train --epochs 1` once to fetch them into data/mnist, or pass --data DIR)");
            }
        }
        Sequential model;
        try {
            model = ModelSpec.parse(a.getOrDefault("arch", "mlp"), "relu", 0, false).build();
        } catch (ConfigException e) {
            throw new IllegalArgumentException("--arch: " + e.getMessage());
        }
        float std;
        try (IdxDataset d = IdxDataset.open(trainImages, trainLabels, 10)) {
            std = (float) d.pixelStats()[1];
        }
        Normalization norm = new Normalization(0f, std);
        SparkConf conf = new SparkConf().setAppName("vecprop spark").setIfMissing("spark.ui.enabled", "false");
        if (a.containsKey("master") || !conf.contains("spark.master")) { // spark-submit's --master comes as spark.master
            conf.setMaster(master);
        }
        master = conf.get("spark.master");
        VectorApi.enable(conf);
        boolean json = a.containsKey("json");
        try (JavaSparkContext sc = new JavaSparkContext(conf);
             IdxDataset test = IdxDataset.open(testImages, testLabels, 10).normalize(norm.mean(), norm.std())) {
            sc.setLogLevel("WARN");
            int partitions = (int) number(a, "partitions", sc.defaultParallelism(), 1, 100_000);
            if (!json) {
                out.printf(Locale.ROOT, "vecprop spark: %s mode, %d partitions on %s, batch %d%s, %d epochs, Adam lr %s cosine; "
                                + "model %s, %,d parameters%n", modeName, partitions, master, batch,
                        mode == Mode.AVG ? " per partition, averaging every " + avgEvery + " steps" : " (global)", epochs,
                        a.getOrDefault("lr", mode == Mode.SYNC ? "3e-3" : "2e-3"), a.getOrDefault("arch", "mlp"),
                        model.params().parameterCount());
            }
            SparkTrainer.Builder b = SparkTrainer.builder().mode(mode).batchSize(batch).avgEvery(avgEvery).epochs(epochs)
                    .seed(seed).threads(threads).schedule(LrSchedule.cosine((float) lr, 0f, epochs)).validation(test)
                    .checkpoint(a.get("checkpoint"), checkpointEvery).resumeFrom(a.get("resume")).maxRounds(maxRounds);
            if (!json) {
                b.listener(e -> out.println(line(e)));
            }
            SparkFitResult r = b.build().fit(sc, model, new IdxFiles(trainImages.toString(), trainLabels.toString(), 10, norm),
                    partitions);
            if (r.epochs().isEmpty()) {
                if (!json) {
                    out.printf(Locale.ROOT, "stopped after %d rounds, before the first epoch ended%n", r.rounds());
                }
                return 0;
            }
            EpochReport last = r.last();
            double acc = last.validation().accuracy();
            if (json) {
                out.printf(Locale.ROOT, "{\"test_accuracy\":%.4f,\"test_loss\":%.4f,\"samples_per_second\":%.0f,\"mode\":\"%s\","
                                + "\"partitions\":%d,\"master\":\"%s\",\"epochs\":%d,\"batch\":%d,%s\"rounds\":%d,\"steps\":%d,"
                                + "\"round_ms\":%.2f,\"compute_ms\":%.2f,\"bytes_per_round\":%d,\"train_seconds\":%.2f}%n",
                        acc, last.validation().loss(), r.samplesPerSecond(), modeName, r.partitions(), master.replace("\"", ""),
                        last.epoch(), batch, mode == Mode.AVG ? "\"avg_every\":" + avgEvery + "," : "", r.rounds(), r.steps(),
                        r.roundMillis(), r.computeMillis(), r.bytesPerRound(), r.trainSeconds());
            } else {
                out.printf(Locale.ROOT, "done: test accuracy %.2f%% after %d epochs, %.1f s training, %,.0f samples/s; "
                                + "%d rounds, median round %.1f ms of which the slowest task computed %.1f ms; %,d bytes moved per round%n",
                        100 * acc, last.epoch(), r.trainSeconds(), r.samplesPerSecond(), r.rounds(), r.roundMillis(),
                        r.computeMillis(), r.bytesPerRound());
                for (String v : r.executorVectors()) {
                    out.println("  " + v);
                }
            }
        }
        return 0;
    }

    static String line(EpochReport e) {
        return String.format(Locale.ROOT, "epoch %2d/%d  train loss %.4f  test loss %.4f  test acc %.2f%%  %,.0f samples/s  "
                        + "%.1f s  (%d rounds, median %.1f ms, slowest task %.1f ms)",
                e.epoch(), e.epochs(), e.trainLoss(), e.validation().loss(), 100 * e.validation().accuracy(),
                e.samplesPerSecond(), e.seconds(), e.rounds(), e.roundMillis(), e.computeMillis());
    }
}
