package dev.vecprop.cli;

import dev.vecprop.data.IdxDataset;
import dev.vecprop.data.Normalization;
import dev.vecprop.layer.Sequential;
import dev.vecprop.train.Checkpoint;
import dev.vecprop.train.InferenceSession;
import dev.vecprop.train.ModelSpec;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;

/**
 * {@code vecprop bench serve}: what a server sees from one shared {@link InferenceSession}. For each
 * thread count T: T request threads each call {@code predict} on one sample after another (batch 1,
 * each call timed: latency p50/p99 over all calls of all threads), then each runs
 * {@code predictBatch} on batches of 1000 (throughput: samples of all threads per second, median
 * of rounds). Inputs are the first 1000 test images of the data set (MNIST by default: its blank
 * pixels are what real requests look like to the sparse first layer), or uniform random values.
 */
final class BenchServe {
    static final int BATCH = 1000;
    private static final int MAX_CALLS_PER_THREAD = 4_000_000;

    private BenchServe() {}

    static final Option.Table OPTIONS = new Option.Table("""
            usage: vecprop bench serve [--model FILE] [--threads 1,2] [--seconds S] [--data D] [--json]
              Batch-1 latency (p50, p99) from T request threads on one shared InferenceSession, and
              batch-1000 throughput (samples/s of all T threads), for each thread count T.
            """)
            .valued("model", "FILE", "a checkpoint to serve (default: the MLP 784-256-128-10 with random weights)")
            .valued("threads", "T,T", "request thread counts (default 1,2)")
            .valued("seconds", "S", "seconds per measurement, after as long again of warm-up (default 3)")
            .valued("data", "D", "mnist (default), fashion-mnist or random: the 1000 request inputs")
            .flag("json", "one JSON line per thread count");

    static int run(String[] args, PrintStream out, PrintStream log) {
        if (args.length > 1 && args[1].equals("--help")) {
            out.print(OPTIONS.help());
            return 0;
        }
        Args a = OPTIONS.parse("bench serve", Arrays.copyOfRange(args, 1, args.length));
        int[] threads = a.has("threads") ? BenchCommand.parseInts("--threads", a.str("threads", null)) : new int[]{1, 2};
        double seconds = a.real("seconds", 3, 0, 3600, true);
        String data = a.str("data", "mnist");
        if (!data.equals("mnist") && !data.equals("fashion-mnist") && !data.equals("random")) {
            throw new UsageException("bench serve: --data expects mnist, fashion-mnist or random, got '" + data + "'");
        }
        boolean json = a.has("json");
        Path modelFile = a.path("model");
        a.requireAllRead();

        Sequential model;
        Normalization norm;
        String name;
        if (modelFile != null) {
            Checkpoint.Loaded l = Checkpoint.load(modelFile);
            model = l.model();
            norm = l.normalization();
            name = modelFile.getFileName().toString();
        } else {
            ModelSpec spec = ModelSpec.parse("mlp", "relu", 0, false);
            model = spec.build();
            model.initialize(1);
            norm = new Normalization(0f, 0.3081f);
            name = spec.encode() + " (random weights)";
        }
        InferenceSession session = new InferenceSession(model, BATCH, norm);
        int in = session.inputSize();
        float[] x = new float[BATCH * in];
        if (data.equals("random")) {
            SplittableRandom r = new SplittableRandom(2);
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextDouble();
            }
        } else {
            try (DataOptions d = DataOptions.open("bench serve", data, null, 0, log)) {
                IdxDataset test = d.test();
                if (test.itemSize() != in) {
                    throw new UsageException("bench serve: " + data + " samples have " + test.itemSize()
                            + " values, the model takes " + in);
                }
                test.gather(null, 0, Math.min(BATCH, test.size()), x, 0, new int[BATCH], 0);
            }
        }
        if (!json) {
            out.printf(Locale.ROOT, "serving %s, inputs %s, vector %s%n", name, data,
                    dev.vecprop.Platform.describeVectors());
            out.printf(Locale.ROOT, "%7s %14s %14s %12s %22s%n", "threads", "batch-1 p50", "batch-1 p99",
                    "calls/s", "batch-1000 samples/s");
        }
        for (int t : threads) {
            Result r = measure(session, x, in, t, seconds);
            if (json) {
                out.println(dev.vecprop.io.Json.object().put("threads", t)
                        .put("latency_p50_us", Math.round(r.p50Micros * 1000) / 1000.0)
                        .put("latency_p99_us", Math.round(r.p99Micros * 1000) / 1000.0)
                        .put("batch1000_samples_per_s", Math.round(r.batchSamplesPerSecond * 10) / 10.0));
            } else {
                out.printf(Locale.ROOT, "%7d %11.2f us %11.2f us %,12.0f %,22.0f%n", t, r.p50Micros, r.p99Micros,
                        r.callsPerSecond, r.batchSamplesPerSecond);
            }
        }
        return 0;
    }

    record Result(double p50Micros, double p99Micros, double callsPerSecond, double batchSamplesPerSecond) {}

    static Result measure(InferenceSession session, float[] x, int in, int threads, double seconds) {
        long[][] lat = new long[threads][];
        int[] calls = new int[threads];
        double[][] batchRates = new double[threads][];
        CyclicBarrier barrier = new CyclicBarrier(threads);
        List<Thread> ts = new ArrayList<>();
        Throwable[] failure = new Throwable[1];
        for (int w = 0; w < threads; w++) {
            final int id = w;
            Thread th = new Thread(() -> {
                try {
                    long[] mine = new long[MAX_CALLS_PER_THREAD];
                    int[] labels = new int[BATCH];
                    // warm-up (JIT) on both paths, then the timed blocks, all threads together
                    latencyBlock(session, x, in, id, mine, seconds / 2);
                    batchBlock(session, x, labels, seconds / 2);
                    barrier.await();
                    calls[id] = latencyBlock(session, x, in, id, mine, seconds);
                    lat[id] = mine;
                    barrier.await();
                    int rounds = 5;
                    double[] rates = new double[rounds];
                    for (int r = 0; r < rounds; r++) {
                        barrier.await();
                        rates[r] = batchBlock(session, x, labels, seconds / rounds);
                    }
                    batchRates[id] = rates;
                } catch (Throwable e) {
                    synchronized (failure) {
                        if (failure[0] == null) {
                            failure[0] = e; // the first failure; the others see a broken barrier
                        }
                    }
                    barrier.reset();
                }
            }, "bench-serve-" + w);
            ts.add(th);
            th.start();
        }
        for (Thread th : ts) {
            try {
                th.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            }
        }
        if (failure[0] instanceof RuntimeException e) {
            throw e;
        }
        if (failure[0] != null) {
            throw new IllegalStateException("bench serve: a request thread failed: " + failure[0], failure[0]);
        }
        int total = 0;
        for (int c : calls) {
            total += c;
        }
        long[] all = new long[total];
        int k = 0;
        for (int w = 0; w < threads; w++) {
            System.arraycopy(lat[w], 0, all, k, calls[w]);
            k += calls[w];
        }
        Arrays.sort(all);
        double p50 = all[(int) (0.50 * (total - 1))] / 1e3;
        double p99 = all[(int) (0.99 * (total - 1))] / 1e3;
        // throughput per round: the threads' rates summed (they ran the same round side by side)
        int rounds = batchRates[0].length;
        double[] sum = new double[rounds];
        for (double[] rates : batchRates) {
            for (int r = 0; r < rounds; r++) {
                sum[r] += rates[r];
            }
        }
        return new Result(p50, p99, total / seconds, BenchCommand.median(sum));
    }

    /** Batch-1 calls on sample after sample for {@code seconds}; each call's nanoseconds into {@code lat}. */
    private static int latencyBlock(InferenceSession session, float[] x, int in, int id, long[] lat, double seconds) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        int n = 0;
        int s = (id * 397) % BATCH;
        long sink = 0;
        while (n < lat.length) {
            long t0 = System.nanoTime();
            sink += session.predict(x, s * in);
            long t1 = System.nanoTime();
            lat[n++] = t1 - t0;
            if (t1 >= end) {
                break;
            }
            if (++s == BATCH) {
                s = 0;
            }
        }
        BenchServe.sink = sink;
        return n;
    }

    /** {@code predictBatch} of 1000 samples again and again for {@code seconds}; samples per second. */
    private static double batchBlock(InferenceSession session, float[] x, int[] labels, double seconds) {
        long t0 = System.nanoTime();
        long end = t0 + (long) (seconds * 1e9);
        long samples = 0;
        long t;
        do {
            session.predictBatch(x, BATCH, labels);
            samples += BATCH;
            t = System.nanoTime();
        } while (t < end);
        return samples / ((t - t0) / 1e9);
    }

    static volatile long sink;
}
