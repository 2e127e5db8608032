package dev.vecprop.cli;

import dev.vecprop.concurrent.WorkerPool;
import dev.vecprop.kernel.Layout;
import dev.vecprop.kernel.Panels;
import dev.vecprop.kernel.Sgemm;
import dev.vecprop.kernel.Epilogue;
import dev.vecprop.simd.FmaPeak;
import dev.vecprop.simd.GemmTiling;
import dev.vecprop.simd.Simd;
import dev.vecprop.train.ModelSpec;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * {@code vecprop bench gemm}: a quick GEMM GFLOP/s table next to the FMA peak measured in the same
 * run, interleaved: each round times one FMA-peak block and then one block of every shape, so the
 * fraction of peak is a per-round ratio (median over rounds) that a noisy minute moves on both sides.
 * One thread is timed in per-thread CPU time (steadier on a shared machine), two threads in wall
 * time. Also reports the best round. The JMH benchmarks ({@code ./vecprop jmh}) are the reference.
 */
final class BenchCommand {
    private BenchCommand() {}

    /** name, m, k, n, A layout, B layout, C layout, beta. */
    record Shape(String name, int m, int k, int n, Layout a, Layout b, Layout c, float beta) {
        long flops() {
            return 2L * m * n * k;
        }
    }

    static final List<Shape> SHAPES = List.of(
            new Shape("fwd1 64x784.784x256 (X.W1^T, packed W)", 64, 784, 256, Layout.ROW_MAJOR, Layout.PANELS, Layout.ROW_MAJOR, 0f),
            new Shape("fwd2 64x256.256x128 (X.W2^T, packed W)", 64, 256, 128, Layout.ROW_MAJOR, Layout.PANELS, Layout.ROW_MAJOR, 0f),
            new Shape("dW1  784x64.64x256 (X^T.dY, beta 1)", 784, 64, 256, Layout.TRANSPOSED, Layout.ROW_MAJOR, Layout.PANELS, 1f),
            new Shape("dX2  64x256.256x784 (dY.W)", 64, 256, 784, Layout.ROW_MAJOR, Layout.PANELS_TRANSPOSED, Layout.ROW_MAJOR, 0f),
            new Shape("sq1024 1024^3", 1024, 1024, 1024, Layout.ROW_MAJOR, Layout.ROW_MAJOR, Layout.ROW_MAJOR, 0f));

    static final Option.Table GEMM_OPTIONS = new Option.Table("""
            usage: vecprop bench gemm [--threads 1,2] [--seconds S] [--reps N]
              GEMM GFLOP/s on the MLP's batch-64 training shapes and 1024^3 (median and best of the rounds)
              and the fraction of the FMA peak measured in each round (1 thread: CPU time; 2 threads: wall time).
            """)
            .valued("threads", "T,T", "thread counts (default 1,2)")
            .valued("seconds", "S", "seconds per timed block (default 0.3)")
            .valued("reps", "N", "rounds (default 7)");

    static final Option.Table LAYERS_OPTIONS = new Option.Table("""
            usage: vecprop bench layers [--arch A] [--batch N] [--threads T] [--seconds S] [--data D]
              Per-layer forward/backward time of one training step, share of the step, GFLOP/s of the
              matrix layers.
            """)
            .valued("arch", "A", "the architecture (default convnet)")
            .valued("batch", "N", "samples per step (default 64)")
            .valued("threads", "T", "worker threads (default 1)")
            .valued("seconds", "S", "seconds to time (default 10)")
            .valued("data", "D", "random (default: uniform inputs), mnist or fashion-mnist (16 batches of its\n"
                    + "training images, scaled as train does: zero features are skipped as in training)");

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length > 1 && args[1].equals("--help")) {
            Option.Table t = switch (args[0]) {
                case "gemm" -> GEMM_OPTIONS;
                case "layers" -> LAYERS_OPTIONS;
                case "serve" -> BenchServe.OPTIONS;
                default -> null;
            };
            if (t != null) {
                out.print(t.help());
                return 0;
            }
        }
        if (args.length == 0 || args[0].equals("--help")) {
            out.println("""
                    usage: vecprop bench gemm [--threads 1,2] [--seconds S] [--reps N]
                      GEMM GFLOP/s on the MLP's batch-64 training shapes and 1024^3 (median and best of
                      --reps rounds, default 7, of --seconds blocks, default 0.3), and the fraction of the
                      FMA peak measured in each round (1 thread: CPU time; 2 threads: wall time).
                    usage: vecprop bench layers [--arch A] [--batch N] [--threads T] [--seconds S] [--data D]
                      Per-layer forward/backward time of one training step (default: --arch convnet
                      --batch 64 --threads 1 --seconds 10), share of the step, GFLOP/s of the matrix layers.
                      --data random (default: uniform inputs) | mnist | fashion-mnist (16 batches of its
                      training images, scaled as train does: zero features are skipped as in training).
                      A model with Transformer blocks (--arch transformer) also times each attention
                      layer alone at the block's sizes (forward, backward, GFLOP/s).
                    usage: vecprop bench serve [--model FILE] [--threads 1,2] [--seconds S] [--data D] [--json]
                      Batch-1 latency p50/p99 from T request threads on one shared InferenceSession and
                      batch-1000 throughput (see: vecprop bench serve --help).""");
            return 0;
        }
        if (args[0].equals("layers")) {
            return layers(args, out);
        }
        if (args[0].equals("serve")) {
            return BenchServe.run(args, out, err);
        }
        if (!args[0].equals("gemm")) {
            throw new UsageException("bench: unknown benchmark '" + args[0] + "' (known: gemm, layers, serve)");
        }
        Args a = GEMM_OPTIONS.parse("bench gemm", java.util.Arrays.copyOfRange(args, 1, args.length));
        int[] threads = a.has("threads") ? parseInts("--threads", a.str("threads", null)) : new int[]{1, 2};
        double seconds = a.real("seconds", 0.3, 0, 3600, true);
        int reps = a.integer("reps", 7, 1, 1000);
        a.requireAllRead();
        out.println("vector " + Simd.describe() + "; tile " + GemmTiling.describe());
        // Rounds: one FMA-peak block, then one timed block of every (threads, shape), again and again;
        // a shape's fraction of peak is the median over rounds of its GFLOP/s over that round's peak,
        // so a slow minute of the shared machine moves both sides of the ratio alike.
        List<WorkerPool> pools = new ArrayList<>();
        try {
            List<Runnable> calls = new ArrayList<>();
            List<Integer> callThreads = new ArrayList<>();
            for (int t : threads) {
                WorkerPool pool = new WorkerPool(t);
                pools.add(pool);
                for (Shape sh : SHAPES) {
                    calls.add(gemmCall(sh, pool));
                    callThreads.add(t);
                }
            }
            if (Simd.ENABLED) {
                warm(() -> sink = FmaPeak.run(1 << 20, 1)); // the result is kept, so the chains are not dead code
            }
            for (Runnable c : calls) {
                warm(c);
            }
            int nc = calls.size();
            double[] peak = new double[reps];
            double[][] g = new double[nc][reps];
            double[][] frac = new double[nc][reps];
            for (int r = 0; r < reps; r++) {
                peak[r] = Simd.ENABLED ? fmaPeakBlock(seconds, r) : Double.NaN;
                for (int i = 0; i < nc; i++) {
                    Shape sh = SHAPES.get(i % SHAPES.size());
                    g[i][r] = timeBlock(calls.get(i), sh.flops(), callThreads.get(i) == 1, seconds);
                    frac[i][r] = g[i][r] / (peak[r] * callThreads.get(i));
                }
            }
            out.printf("FMA peak (%d chains, 1 thread, CPU time): %.1f GFLOP/s (median of %d rounds)%n",
                    FmaPeak.CHAINS, median(peak), reps);
            out.printf("%-42s %7s %10s %9s %10s%n", "shape", "threads", "GFLOP/s", "of peak", "best");
            for (int i = 0; i < nc; i++) {
                out.printf("%-42s %7d %10.1f %8.0f%% %10.1f%n", SHAPES.get(i % SHAPES.size()).name(),
                        callThreads.get(i), median(g[i]), 100 * median(frac[i]), Arrays.stream(g[i]).max().orElse(0));
            }
        } finally {
            for (WorkerPool pool : pools) {
                pool.close();
            }
        }
        return 0;
    }

    private static int layers(String[] args, PrintStream out) {
        Args a = LAYERS_OPTIONS.parse("bench layers", java.util.Arrays.copyOfRange(args, 1, args.length));
        String arch = a.str("arch", "convnet");
        int batch = a.integer("batch", 64, 1, 1 << 16);
        int threads = a.integer("threads", 1, 1, 256);
        double seconds = a.real("seconds", 10, 0, 3600, true);
        String data = a.str("data", "random");
        if (!data.equals("random") && !data.equals("mnist") && !data.equals("fashion-mnist")) {
            throw new UsageException("bench layers: --data expects random, mnist or fashion-mnist, got '" + data + "'");
        }
        a.requireAllRead();
        try {
            ModelSpec.parse(arch, "relu", 0, false);
        } catch (dev.vecprop.ConfigException e) {
            throw new UsageException("bench layers: --arch " + arch + ": " + e.getMessage());
        }
        return BenchLayers.run(arch, batch, threads, seconds, data, out);
    }

    /** Runs {@code r} for a second (JIT warm-up). */
    private static void warm(Runnable r) {
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < 1e9) {
            r.run();
        }
    }

    private static volatile float sink;

    /** GFLOP/s of the FMA chains over one block of {@code seconds} of this thread's CPU time. */
    static double fmaPeakBlock(double seconds, int salt) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        int iters = 1 << 20;
        float acc = 0;
        long n = 0;
        long t0 = mx.getCurrentThreadCpuTime();
        long t;
        do {
            acc += FmaPeak.run(iters, salt);
            n++;
            t = mx.getCurrentThreadCpuTime();
        } while (t - t0 < seconds * 1e9);
        sink = acc;
        return FmaPeak.flops(iters * n) / (double) (t - t0);
    }

    /** GFLOP/s of {@code call} over one block of {@code seconds} (CPU time on one thread, else wall time). */
    private static double timeBlock(Runnable call, long flops, boolean cpuTime, double seconds) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long n = 0;
        long t0 = cpuTime ? mx.getCurrentThreadCpuTime() : System.nanoTime();
        long t;
        do {
            call.run();
            n++;
            t = cpuTime ? mx.getCurrentThreadCpuTime() : System.nanoTime();
        } while (t - t0 < seconds * 1e9);
        return flops * n / (double) (t - t0);
    }

    /** One GEMM of the shape on its own random operands, as a call. */
    static Runnable gemmCall(Shape s, WorkerPool pool) {
        Random rnd = new Random(1);
        float[] a = random(rnd, s.m() * s.k());
        int bSize = s.b() == Layout.PANELS ? Panels.size(s.k(), s.n())
                : s.b() == Layout.PANELS_TRANSPOSED ? Panels.size(s.n(), s.k()) : s.k() * s.n();
        float[] b = random(rnd, bSize);
        int ldb = switch (s.b()) {
            case PANELS -> Panels.stride(s.k());
            case PANELS_TRANSPOSED -> Panels.stride(s.n());
            case TRANSPOSED -> s.k();
            default -> s.n();
        };
        int lda = s.a() == Layout.TRANSPOSED ? s.m() : s.k();
        int cSize = s.c() == Layout.PANELS ? Panels.size(s.m(), s.n()) : s.m() * s.n();
        int ldc = s.c() == Layout.PANELS ? Panels.stride(s.m()) : s.n();
        float[] c = new float[cSize];
        return () -> Sgemm.sgemm(s.m(), s.n(), s.k(), a, 0, lda, s.a(), b, 0, ldb, s.b(),
                s.beta(), c, 0, ldc, s.c(), Epilogue.NONE, pool);
    }

    private static float[] random(Random rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        return x;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    static int[] parseInts(String opt, String val) {
        List<Integer> r = new ArrayList<>();
        for (String p : val.split(",")) {
            try {
                int x = Integer.parseInt(p.trim());
                if (x < 1 || x > 256) {
                    throw new NumberFormatException();
                }
                r.add(x);
            } catch (NumberFormatException e) {
                throw new UsageException("bench: " + opt + " expects thread counts 1..256, got '" + val + "'");
            }
        }
        return r.stream().mapToInt(Integer::intValue).toArray();
    }

    private static double parsePositive(String opt, String val) {
        try {
            double x = Double.parseDouble(val);
            if (x > 0 && Double.isFinite(x)) {
                return x;
            }
        } catch (NumberFormatException ignored) {
            // fall through
        }
        throw new UsageException("bench: " + opt + " expects a positive number, got '" + val + "'");
    }
}
