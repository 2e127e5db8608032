package dev.vecprop.ab;

import dev.vecprop.concurrent.WorkerPool;
import dev.vecprop.kernel.Epilogue;
import dev.vecprop.kernel.Layout;
import dev.vecprop.kernel.Panels;
import dev.vecprop.kernel.Sgemm;
import dev.vecprop.layer.Context;
import dev.vecprop.layer.Sequential;
import dev.vecprop.layer.Workspace;
import dev.vecprop.loss.SoftmaxCrossEntropy;
import dev.vecprop.loss.Targets;
import dev.vecprop.optim.Adam;
import dev.vecprop.train.ModelSpec;

import java.util.SplittableRandom;

/**
 * The workloads {@link PairedAb} times, written against vecprop's public API only, so that the same
 * source compiles against an older build too (the A/B run compiles it once per build).
 *
 * <p>Names: {@code mlp}, {@code lenet}, {@code convnet} (or any {@code --arch} spelling, the sequence
 * models {@code lstm}, {@code gru}, {@code transformer} too, MNIST rows as time steps): one training
 * step at batch 64 — forward, softmax cross-entropy, backward, Adam — on uniform random inputs;
 * {@code mnist:ARCH} the same on real MNIST batches (pixels/255) and {@code mnist-norm:ARCH} on
 * normalised ones; {@code gemm-fwd1},
 * {@code gemm-fwd2}, {@code gemm-dW1}, {@code gemm-dX2}, {@code gemm-sq1024}: the GEMMs of
 * {@code vecprop bench gemm}. One thread only: an idle worker pool of one build spins for a few
 * milliseconds after each task and would take a core from the other build's turn.
 */
public final class AbWorkloads {
    private AbWorkloads() {}

    /** Floating-point operations of one run of the workload, or 0 when not counted. */
    public static long flops(String name) {
        int[] s = gemmShape(name);
        return s == null ? 0 : 2L * s[0] * s[1] * s[2];
    }

    private static int[] gemmShape(String base) {
        return switch (base) {
            case "gemm-fwd1" -> new int[] {64, 256, 784};
            case "gemm-fwd2" -> new int[] {64, 128, 256};
            case "gemm-dW1" -> new int[] {784, 256, 64};
            case "gemm-dX2" -> new int[] {64, 784, 256};
            case "gemm-sq1024" -> new int[] {1024, 1024, 1024};
            default -> null;
        };
    }

    /**
     * Operand arrays for a GEMM workload (A, B, C; empty for a training step), allocated by the caller
     * so that both builds of an A/B pair run on the very same arrays: a float[]'s start is aligned to
     * 8 or 16 bytes only, and which of a kernel's 32-byte loads straddle a cache line changes with
     * every allocation, by several percent. The {@code mnist:} workloads get their batches here, read
     * from {@code dataRoot} (the caller's: this source compiles against older builds, so it reads no
     * launcher property itself).
     */
    public static float[][] operands(String name, long seed, java.nio.file.Path dataRoot) {
        int[] g = gemmShape(name);
        if (g == null) {
            boolean mnist = name.startsWith("mnist:") || name.startsWith("mnist-norm:");
            return mnist ? new float[][] {mnistBatches(dataRoot, MNIST_BATCHES, name.startsWith("mnist-norm:"))}
                    : new float[0][];
        }
        int big = Math.max(g[0], Math.max(g[1], g[2]));
        int size = 2 * big * big + 4096;
        SplittableRandom rnd = new SplittableRandom(seed);
        float[][] ops = new float[3][size];
        for (int i = 0; i < size; i++) {
            ops[0][i] = (float) rnd.nextDouble();
            ops[1][i] = (float) rnd.nextDouble();
        }
        return ops;
    }

    /**
     * A workload ready to run repeatedly, on {@code ops} from {@link #operands} (a training step
     * allocates its own model and buffers; an {@code mnist:} one takes its batches from ops), on the
     * caller's thread.
     */
    public static Runnable create(String name, float[][] ops) {
        WorkerPool pool = WorkerPool.serial();
        int[] g = gemmShape(name);
        return g != null ? gemm(name, g[0], g[1], g[2], ops[0], ops[1], ops[2], pool) : trainStep(name, pool, ops);
    }

    private static Runnable gemm(String base, int m, int n, int k, float[] a, float[] b, float[] c, WorkerPool pool) {
        return switch (base) {
            case "gemm-fwd1", "gemm-fwd2" -> () -> Sgemm.sgemm(m, n, k, a, 0, k, Layout.ROW_MAJOR,
                    b, 0, Panels.stride(k), Layout.PANELS, 0f, c, 0, n, Layout.ROW_MAJOR, Epilogue.NONE, pool);
            case "gemm-dW1" -> () -> Sgemm.sgemm(m, n, k, a, 0, m, Layout.TRANSPOSED,
                    b, 0, n, Layout.ROW_MAJOR, 1f, c, 0, Panels.stride(m), Layout.PANELS, Epilogue.NONE, pool);
            case "gemm-dX2" -> () -> Sgemm.sgemm(m, n, k, a, 0, k, Layout.ROW_MAJOR,
                    b, 0, Panels.stride(n), Layout.PANELS_TRANSPOSED, 0f, c, 0, n, Layout.ROW_MAJOR,
                    Epilogue.NONE, pool);
            default -> () -> Sgemm.sgemm(m, n, k, a, 0, k, Layout.ROW_MAJOR,
                    b, 0, n, Layout.ROW_MAJOR, 0f, c, 0, n, Layout.ROW_MAJOR, Epilogue.NONE, pool);
        };
    }

    /** {@code Context.gradsZero(boolean)} where the build has it (looked up reflectively: older builds lack it). */
    private static java.lang.reflect.Method gradsZeroSetter() {
        try {
            return Context.class.getMethod("gradsZero", boolean.class);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    /** Batches cycled through by the {@code mnist:} workloads. */
    private static final int MNIST_BATCHES = 16;

    /**
     * {@code batches} batches of 64 real MNIST training images (pixels/255, as the PyTorch anchor
     * feeds them; {@code normalized}: (pixels/255 - 0.1307)/0.3081, as vecprop's trainer by default),
     * drawn with a fixed seed from {@code dataRoot/mnist/train-images-idx3-ubyte}.
     */
    private static float[] mnistBatches(java.nio.file.Path dataRoot, int batches, boolean normalized) {
        java.nio.file.Path file = dataRoot.resolve("mnist").resolve("train-images-idx3-ubyte");
        byte[] raw;
        try {
            raw = java.nio.file.Files.readAllBytes(file);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("mnist workloads need " + file + " (./vecprop train fetches it)", e);
        }
        int count = (raw.length - 16) / 784;
        SplittableRandom rnd = new SplittableRandom(11);
        float[] x = new float[batches * 64 * 784];
        for (int r = 0; r < batches * 64; r++) {
            int src = 16 + rnd.nextInt(count) * 784;
            for (int j = 0; j < 784; j++) {
                float v = (raw[src + j] & 0xff) / 255f;
                x[r * 784 + j] = normalized ? (v - 0.1307f) / 0.3081f : v;
            }
        }
        return x;
    }

    private static Runnable trainStep(String name, WorkerPool pool, float[][] ops) {
        int batch = 64;
        boolean mnist = name.startsWith("mnist:") || name.startsWith("mnist-norm:");
        String arch = mnist ? name.substring(name.indexOf(':') + 1) : name;
        Sequential model = dev.vecprop.train.SequenceSpec.isSequence(arch) ? dev.vecprop.train.SequenceSpec.build(arch)
                : ModelSpec.parse(arch, "relu", 0, false).build();
        model.initialize(1);
        int in = model.inputShape().size();
        int classes = model.outputShape().size();
        SplittableRandom rnd = new SplittableRandom(7);
        float[] x;
        if (mnist) {
            if (in != 784) {
                throw new IllegalArgumentException(name + ": mnist workloads need a model with 784 inputs");
            }
            x = ops[0];
        } else {
            x = new float[batch * in];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rnd.nextDouble();
            }
        }
        int batches = x.length / (batch * in);
        int[] labels = new int[batch];
        for (int i = 0; i < batch; i++) {
            labels[i] = rnd.nextInt(classes);
        }
        Targets t = Targets.labels(labels, 0);
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        Adam adam = Adam.adam(model.params());
        adam.parallel(pool);
        Context ctx = trainingContext(pool);
        Workspace ws = model.workspace(batch);
        long[] step = {0};
        java.lang.reflect.Method gradsZero = gradsZeroSetter();
        return () -> {
            int xo = (int) (step[0] % batches) * batch * in;
            int yo = model.forward(ctx.step(step[0]++), ws, x, xo, batch);
            loss.compute(ws.data(), yo, batch, classes, t, ws.data(), ws.outputGradOffset());
            if (gradsZero != null) {
                try {
                    gradsZero.invoke(ctx, true); // as the trainer does: Adam left the gradients zero
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
            model.backward(ctx, ws, x, xo, batch, null, 0);
            adam.step(1e-6f); // tiny: the weights stay where the workload started
        };
    }

    /**
     * A training context on {@code pool}: through the internal bridge where it exists (builds since the
     * public API hid the pool), else the public constructor older builds had; reflective, so that this
     * file compiles against either.
     */
    private static Context trainingContext(WorkerPool pool) {
        try {
            Class<?> access = Class.forName("dev.vecprop.internal.ContextAccess");
            return (Context) access.getMethod("create", WorkerPool.class, boolean.class, long.class).invoke(null, pool, true, 1L);
        } catch (ClassNotFoundException e) {
            try {
                return Context.class.getConstructor(WorkerPool.class, boolean.class, long.class).newInstance(pool, true, 1L);
            } catch (ReflectiveOperationException e2) {
                throw new IllegalStateException(e2);
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
