package dev.vecprop.cli;

import dev.vecprop.ConfigException;
import dev.vecprop.Platform;

import java.io.PrintStream;
import java.util.Arrays;

/**
 * The {@code vecprop} command line. Exit codes: 0 success, 2 usage or bad input, 1 runtime failure.
 */
public final class Main {
    private Main() {}

    static final String VERSION = Platform.version();

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        boolean verbose = Arrays.asList(args).contains("--verbose");
        String[] rest = Arrays.stream(args).filter(a -> !a.equals("--verbose")).toArray(String[]::new);
        try {
            ConfigException bad = badSwitch();
            if (bad != null) {
                return fail(err, bad, verbose, 2);
            }
            if (rest.length == 0 || rest[0].equals("--help") || rest[0].equals("-h") || rest[0].equals("help")) {
                usage(out);
                return 0;
            }
            String cmd = rest[0];
            String[] cmdArgs = Arrays.copyOfRange(rest, 1, rest.length);
            return switch (cmd) {
                case "info", "--version" -> {
                    if (cmdArgs.length > 0) {
                        throw new UsageException(cmd + ": takes no options, got '" + cmdArgs[0] + "'");
                    }
                    info(out);
                    yield 0;
                }
                case "bench" -> bench(cmdArgs, out, err);
                case "gradcheck" -> GradcheckCommand.run(cmdArgs, out);
                case "train" -> TrainCommand.run(cmdArgs, out, err);
                case "train-lm" -> TrainLmCommand.run(cmdArgs, out, err);
                case "sample" -> SampleCommand.run(cmdArgs, out, err);
                case "eval" -> EvalCommand.run(cmdArgs, out, err);
                case "predict" -> PredictCommand.run(cmdArgs, out, err);
                case "quantize" -> QuantizeCommand.run(cmdArgs, out, err);
                default -> {
                    err.println("vecprop: unknown command '" + cmd + "' (try: vecprop --help)");
                    yield 2;
                }
            };
        } catch (UsageException e) {
            err.println("vecprop: " + e.getMessage());
            if (verbose) {
                e.printStackTrace(err);
            }
            return 2;
        } catch (dev.vecprop.io.CheckpointWriteException | dev.vecprop.data.DataUnavailableException
                 | dev.vecprop.train.TrainingDivergedException e) {
            return fail(err, e, verbose, 1);
        } catch (dev.vecprop.VecpropException e) {
            // bad input: a data file, a checkpoint, a model that does not fit, a setting
            return fail(err, e, verbose, 2);
        } catch (ExceptionInInitializerError e) {
            if (e.getCause() instanceof ConfigException c) {
                return fail(err, c, verbose, 2);
            }
            return internalError(err, e, verbose);
        } catch (RuntimeException | Error e) {
            return internalError(err, e, verbose);
        }
    }

    /**
     * Reads the {@code -Dvecprop.*} switches now, so that a bad value stops the command before it does
     * any work, with the switch's one-line message; null when they are all fine.
     */
    private static ConfigException badSwitch() {
        try {
            Platform.describeSwitches();
            return null;
        } catch (ExceptionInInitializerError e) {
            if (e.getCause() instanceof ConfigException c) {
                return c;
            }
            throw e;
        }
    }

    private static int internalError(PrintStream err, Throwable e, boolean verbose) {
        err.println("vecprop: internal error (" + e.getClass().getSimpleName() + "): " + e.getMessage()
                + (verbose ? "" : " (run with --verbose for the stack trace)"));
        if (verbose) {
            e.printStackTrace(err);
        }
        return 1;
    }

    private static int fail(PrintStream err, Throwable e, boolean verbose, int code) {
        err.println("vecprop: " + e.getMessage());
        if (verbose) {
            e.printStackTrace(err);
        }
        return code;
    }

    static void usage(PrintStream out) {
        out.println("""
                vecprop %s - neural-network training on the CPU with the JDK Vector API

                usage: vecprop <command> [options]

                commands:
                  train [opts]         train an MLP on MNIST / Fashion-MNIST / any IDX folder (vecprop train --help)
                  train-lm [opts]      a character-level LSTM language model on the fortunes corpus (bits per char)
                  sample --model FILE  text from a train-lm model (--length N --temperature T)
                  eval --model FILE    test accuracy and confusion matrix of a checkpoint
                  predict --model FILE classify images (IDX file or test-set indices), top-k with probabilities
                  quantize --model F --out Q  int8 post-training quantization (vecprop quantize --help)
                  info                 JDK, vector width, GEMM tile shape, threads
                  gradcheck            check every layer and loss against numerical gradients (table)
                  bench gemm [opts]    GEMM GFLOP/s next to this machine's FMA peak (see: vecprop bench --help)
                  bench layers [opts]  where a training step's time goes, layer by layer
                  bench serve [opts]   batch-1 latency and batch-1000 throughput of an InferenceSession
                  jmh [JMH options]    the JMH benchmarks (launcher only; e.g. ./vecprop jmh Sgemm)
                  spark [opts]         data-parallel training on Apache Spark (launcher only; docs/SPARK.md)

                global options:
                  --verbose            stack traces on errors

                vector width: %s
                JVM flags: --add-modules jdk.incubator.vector (the launcher adds it);
                  -Dvecprop.vectorBits=0|128|256|512, -Dvecprop.tile=RxV, -Dvecprop.kc/mc/nc=N
                  (every -Dvecprop switch with its value and default: vecprop info)
                """.formatted(VERSION, Platform.describeVectors()));
    }

    static void info(PrintStream out) {
        out.println("vecprop " + VERSION);
        out.println("jdk:     " + System.getProperty("java.vm.name") + " " + Runtime.version()
                + " (" + System.getProperty("java.home") + ")");
        out.println("os/arch: " + System.getProperty("os.name") + " " + System.getProperty("os.arch")
                + ", " + Runtime.getRuntime().availableProcessors() + " processors");
        out.println("vector:  " + Platform.describeVectors());
        out.println("gemm:    tile " + Platform.describeKernels());
        out.println("threads: " + Runtime.getRuntime().availableProcessors() + " available (default: all)");
        out.println("switches (-Dvecprop.NAME=VALUE, read once at start-up):");
        for (String line : Platform.describeSwitches()) {
            out.println("  " + line);
        }
    }

    /**
     * {@code bench}: the benchmarks measure the internal kernels, so they are not part of the library
     * jar; the launcher runs them from the checkout's build (test classes on the class path).
     */
    private static int bench(String[] args, PrintStream out, PrintStream err) {
        java.lang.reflect.Method run;
        try {
            run = Class.forName("dev.vecprop.cli.BenchCommand")
                    .getDeclaredMethod("run", String[].class, PrintStream.class, PrintStream.class);
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            throw new UsageException("bench: the benchmarks are not in the library jar; run them from a checkout "
                    + "with ./vecprop bench");
        }
        try {
            run.setAccessible(true);
            return (int) run.invoke(null, args, out, err);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("bench: " + e.getMessage(), e);
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("bench: " + e.getCause(), e.getCause());
        }
    }
}
