package dev.vecprop.check;

import dev.vecprop.concurrent.WorkerPool;
import dev.vecprop.internal.ContextAccess;
import dev.vecprop.layer.Context;
import dev.vecprop.layer.Layer;
import dev.vecprop.layer.LayerConfig;
import dev.vecprop.layer.LayerRegistry;
import dev.vecprop.layer.Sequential;
import dev.vecprop.layer.Shape;
import dev.vecprop.layer.ShapeException;
import dev.vecprop.layer.Workspace;
import dev.vecprop.tensor.Param;
import dev.vecprop.train.Checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * The whole contract of a {@link Layer}, checked in one statement from a test (a little over 500
 * lines: the seven properties share one harness — the seeded model, the pass, the snapshots — and
 * are easier to keep consistent side by side):
 * <pre>
 *   LayerContract.of(() -&gt; new MyLayer(8), Shape.of(8)).verify();
 * </pre>
 * The layer comes from a factory because several checks need a fresh instance (a layer is built
 * into one model only). Each {@link ContractProperty} runs on seeded random parameters (as
 * {@link GradCheck} draws them) and inputs; {@link #check()} returns the per-property report and
 * {@link #verify()} throws the first {@link ContractViolation}. Immutable; the {@code with}-style
 * methods return changed copies.
 */
public final class LayerContract {
    private final Supplier<? extends Layer> factory;
    private final Shape input;
    private final int batch;
    private final long seed;
    private final int threads;
    private final boolean mixesSamplesInTraining;
    private final List<Shape> rejected;
    private final LayerRegistry registry;
    private final GradCheck.Options gradOptions;
    /** Token ids 0..vocab-1 as inputs (an embedding), or 0 for real-valued inputs. */
    private final int vocab;

    private LayerContract(Supplier<? extends Layer> factory, Shape input, int batch, long seed, int threads,
                          boolean mixes, List<Shape> rejected, LayerRegistry registry, GradCheck.Options gradOptions,
                          int vocab) {
        this.factory = factory;
        this.input = input;
        this.batch = batch;
        this.seed = seed;
        this.threads = threads;
        this.mixesSamplesInTraining = mixes;
        this.rejected = List.copyOf(rejected);
        this.registry = registry;
        this.gradOptions = gradOptions;
        this.vocab = vocab;
    }

    /**
     * {@return the contract of the layers {@code layer} makes, on inputs of shape {@code input}: batch 3,
     * seed 1, 3 threads for the determinism check, the built-in layer registry, the gradient checker's defaults}
     *
     * @param layer makes a fresh, unbuilt layer on every call (e.g. {@code () -> new Linear(7, 5)})
     * @param input the shape of one input sample
     */
    public static LayerContract of(Supplier<? extends Layer> layer, Shape input) {
        dev.vecprop.internal.Require.notNull(layer, "LayerContract.of: the layer factory");
        dev.vecprop.internal.Require.notNull(input, "LayerContract.of: the input shape");
        return new LayerContract(layer, input, 3, 1, 3, false, List.of(), LayerRegistry.builtIn(),
                GradCheck.Options.defaults(), 0);
    }

    /**
     * {@return a copy that checks batches of {@code b} samples (at least 2: batch independence needs two)}
     *
     * @param b the batch size
     * @throws dev.vecprop.ConfigException if {@code b < 2}
     */
    public LayerContract batch(int b) {
        if (b < 2) {
            throw new dev.vecprop.ConfigException("LayerContract.batch: at least 2 samples, got " + b);
        }
        return new LayerContract(factory, input, b, seed, threads, mixesSamplesInTraining, rejected, registry, gradOptions, vocab);
    }

    /**
     * {@return a copy with another seed for parameters, inputs and dropout masks}
     *
     * @param s the seed
     */
    public LayerContract seed(long s) {
        return new LayerContract(factory, input, batch, s, threads, mixesSamplesInTraining, rejected, registry, gradOptions, vocab);
    }

    /**
     * {@return a copy whose determinism check compares one thread with {@code n}}
     *
     * @param n the thread count, at least 2
     * @throws dev.vecprop.ConfigException if {@code n < 2}
     */
    public LayerContract threads(int n) {
        if (n < 2 || n > 64) {
            throw new dev.vecprop.ConfigException("LayerContract.threads: 2..64 threads, got " + n);
        }
        return new LayerContract(factory, input, batch, seed, n, mixesSamplesInTraining, rejected, registry, gradOptions, vocab);
    }

    /**
     * {@return a copy declaring that the layer legitimately mixes the samples of a batch in training
     * mode (batch norm's batch statistics): batch independence is then checked in eval mode only}
     */
    public LayerContract mixesSamplesInTraining() {
        return new LayerContract(factory, input, batch, seed, threads, true, rejected, registry, gradOptions, vocab);
    }

    /**
     * {@return a copy that also requires building on each of {@code shapes} to throw {@link ShapeException}}
     *
     * @param shapes input shapes the layer must refuse
     */
    public LayerContract rejects(Shape... shapes) {
        List<Shape> r = new ArrayList<>(rejected);
        r.addAll(Arrays.asList(shapes));
        return new LayerContract(factory, input, batch, seed, threads, mixesSamplesInTraining, r, registry, gradOptions, vocab);
    }

    /**
     * {@return a copy that loads checkpoints with {@code r} (register your layer's type name there)}
     *
     * @param r the registry
     */
    public LayerContract registry(LayerRegistry r) {
        dev.vecprop.internal.Require.notNull(r, "LayerContract.registry");
        return new LayerContract(factory, input, batch, seed, threads, mixesSamplesInTraining, rejected, r, gradOptions, vocab);
    }

    /**
     * {@return a copy whose gradient check uses these settings (their batch, seed and mode are replaced
     * by the contract's), e.g. {@code GradCheck.Options.defaults().withRtol(3e-2)} for a layer whose
     * float32 arithmetic loses more}
     *
     * @param o the settings
     */
    public LayerContract gradCheckOptions(GradCheck.Options o) {
        dev.vecprop.internal.Require.notNull(o, "LayerContract.gradCheckOptions");
        return new LayerContract(factory, input, batch, seed, threads, mixesSamplesInTraining, rejected, registry, o, vocab);
    }

    /**
     * {@return a copy whose inputs are token ids, whole numbers in {@code 0..vocab-1} (for an embedding
     * or a model that starts with one): the inputs are drawn from that range, and the input has no
     * gradient to check (the gradient check covers the parameters)}
     *
     * @param vocab the number of token ids, at least 1
     * @throws dev.vecprop.ConfigException if {@code vocab < 1}
     */
    public LayerContract tokenInputs(int vocab) {
        if (vocab < 1) {
            throw new dev.vecprop.ConfigException("LayerContract.tokenInputs: at least 1 token id, got " + vocab);
        }
        return new LayerContract(factory, input, batch, seed, threads, mixesSamplesInTraining, rejected, registry,
                gradOptions, vocab);
    }

    /** {@return what is checked, e.g. {@code Linear(7->5) on (7) B=3}} */
    public String subject() {
        return factory.get().describe() + " on " + input + " B=" + batch;
    }

    /**
     * Checks every property; a property that throws (other than a violation) fails with the exception as cause.
     *
     * @return the report, one result per {@link ContractProperty}, in order
     */
    public ContractReport check() {
        String subject = subject();
        List<PropertyResult> out = new ArrayList<>();
        for (ContractProperty p : ContractProperty.values()) {
            out.add(run(p, subject));
        }
        return new ContractReport(subject, out);
    }

    /**
     * Checks every property and fails on the first broken one.
     *
     * @return the report when every property held
     * @throws ContractViolation naming the property, the tensor, the element, both values and the tolerance
     */
    public ContractReport verify() {
        return check().assertPassed();
    }

    private PropertyResult run(ContractProperty p, String subject) {
        try {
            return switch (p) {
                case GRADIENTS -> gradients(subject);
                case ACCUMULATION -> accumulation(subject);
                case BATCH_INDEPENDENCE -> batchIndependence(subject);
                case DETERMINISM -> Agreement.exactWithRetries(p, () -> determinism(subject));
                case EVAL_PURITY -> Agreement.exactWithRetries(p, () -> evalPurity(subject));
                case SERIALIZATION -> Agreement.exactWithRetries(p, () -> serialization(subject));
                case SHAPE_ERRORS -> shapeErrors(subject);
            };
        } catch (ContractViolation v) {
            return PropertyResult.fail(v);
        } catch (RuntimeException | StackOverflowError e) {
            return PropertyResult.fail(new ContractViolation(p, subject, "threw " + e, e));
        }
    }

    // ---------------------------------------------------------------- the properties

    private PropertyResult gradients(String subject) {
        StringBuilder note = new StringBuilder();
        for (boolean training : new boolean[]{true, false}) {
            GradCheck.Options o = gradOptions.withSeed(seed).withBatch(batch).withTraining(training);
            GradCheckReport r = vocab > 0 ? GradCheck.checkTokenLayer(factory.get(), input, vocab, o)
                    : GradCheck.checkLayer(factory.get(), input, o);
            String mode = training ? "train" : "eval";
            TensorCheck t = r.firstFailure();
            if (t != null) {
                throw new ContractViolation(new ContractViolation.Detail(ContractProperty.GRADIENTS, subject + " [" + mode + "]",
                        gradientName(t.tensor()), t.worstIndex(), t.analytic(), t.numeric(), t.tolerance(), "analytic vs numeric"));
            }
            double worst = r.tensors().stream().mapToDouble(TensorCheck::relError).max().orElse(0);
            note.append(note.isEmpty() ? "" : "; ").append(mode).append(": ").append(r.checked()).append(" compared, ")
                    .append(r.skipped()).append(" at kinks, worst rel.err ").append(String.format("%.1e", worst));
        }
        return PropertyResult.pass(ContractProperty.GRADIENTS, note.toString());
    }

    private PropertyResult accumulation(String subject) {
        Model m = model();
        Context ctx = m.context(null, true);
        Pass first = m.pass(ctx, m.x, m.r, true, null);
        Pass twice = m.pass(ctx, m.x, m.r, false, first.dx);
        // dx is written: a second pass into the first's dx must give the same dx, not twice it
        Agreement.require(ContractProperty.ACCUMULATION, subject, "input gradient (written, not added)", twice.dx, 0,
                first.dx, 0, first.dx.length, Agreement.rounding(1e-6, 0), "second pass vs first pass");
        for (int k = 0; k < m.params.size(); k++) {
            float[] g1 = first.grads[k];
            float[] doubled = new float[g1.length];
            for (int i = 0; i < g1.length; i++) {
                doubled[i] = 2 * g1[i];
            }
            double scale = Agreement.maxAbs(g1, 0, g1.length);
            Agreement.require(ContractProperty.ACCUMULATION, subject, m.params.get(k).name() + " gradient after two backward passes",
                    twice.grads[k], 0, doubled, 0, g1.length, Agreement.rounding(1e-5, 1e-6 * scale), "accumulated vs 2 x one pass");
        }
        m.model.params().zeroGrads();
        ctx.gradsZero(true);
        Pass shortcut = m.pass(ctx, m.x, m.r, false, null);
        // same rounding allowance as above: bit-for-bit reproducibility is DETERMINISM's business, this
        // checks that the shortcut neither loses nor doubles a gradient
        for (int k = 0; k < m.params.size(); k++) {
            double scale = Agreement.maxAbs(first.grads[k], 0, first.grads[k].length);
            Agreement.require(ContractProperty.ACCUMULATION, subject, m.params.get(k).name() + " gradient with gradsZero(true)",
                    shortcut.grads[k], 0, first.grads[k], 0, first.grads[k].length, Agreement.rounding(1e-5, 1e-6 * scale),
                    "zero-start shortcut vs accumulate onto 0");
        }
        return PropertyResult.pass(ContractProperty.ACCUMULATION, m.params.size() + " parameter tensors: 2 passes = 2 x 1 pass, "
                + "zero-start shortcut = accumulate onto 0; dx written, not added");
    }

    private PropertyResult batchIndependence(String subject) {
        Model m = model();
        int in = input.size();
        int out = m.model.outputShape().size();
        Random rnd = new Random(seed ^ 0x5eedL);
        List<String> modes = new ArrayList<>();
        for (boolean training : new boolean[]{false, true}) {
            if (training && mixesSamplesInTraining) {
                continue;
            }
            String mode = training ? "train" : "eval";
            modes.add(mode);
            Context ctx = m.context(null, training);
            Pass base = m.pass(ctx, m.x, m.r, true, null);
            for (int s : new int[]{0, batch - 1}) {
                // the other samples (and their output gradients) replaced: sample s must not notice
                float[] x2 = m.x.clone();
                float[] r2 = m.r.clone();
                for (int b = 0; b < batch; b++) {
                    if (b != s) {
                        fillInput(x2, b * in, in, rnd);
                        fill(r2, b * out, out, rnd);
                    }
                }
                Pass other = m.pass(ctx, x2, r2, true, null);
                String where = " of sample " + s + " [" + mode + "] with the other samples changed";
                Agreement.require(ContractProperty.BATCH_INDEPENDENCE, subject, "output" + where, other.y, s * out,
                        base.y, s * out, out, Agreement.rounding(1e-6, 1e-30), "changed batch vs original batch");
                Agreement.require(ContractProperty.BATCH_INDEPENDENCE, subject, "input gradient" + where, other.dx, s * in,
                        base.dx, s * in, in, Agreement.rounding(1e-6, 1e-30), "changed batch vs original batch");
            }
            if (!training) {
                paramGradsAreSums(m, ctx, base, subject);
            }
        }
        String note = "output and input gradient of the first and last sample unchanged when the others change ("
                + String.join(", ", modes) + "); eval parameter gradients = sum over samples";
        return PropertyResult.pass(ContractProperty.BATCH_INDEPENDENCE,
                mixesSamplesInTraining ? note + "; mixes samples in training (declared)" : note);
    }

    /** The batch's parameter gradient equals the sum of the gradients of each sample alone (batch of 1). */
    private void paramGradsAreSums(Model m, Context ctx, Pass whole, String subject) {
        int in = input.size();
        int out = m.model.outputShape().size();
        float[][] sum = new float[m.params.size()][];
        float[][] abs = new float[m.params.size()][];
        for (int k = 0; k < sum.length; k++) {
            sum[k] = new float[whole.grads[k].length];
            abs[k] = new float[whole.grads[k].length];
        }
        for (int b = 0; b < batch; b++) {
            Pass one = m.passOf(ctx, Arrays.copyOfRange(m.x, b * in, (b + 1) * in),
                    Arrays.copyOfRange(m.r, b * out, (b + 1) * out), 1);
            for (int k = 0; k < sum.length; k++) {
                for (int i = 0; i < sum[k].length; i++) {
                    sum[k][i] += one.grads[k][i];
                    abs[k][i] += Math.abs(one.grads[k][i]);
                }
            }
        }
        for (int k = 0; k < sum.length; k++) {
            float[] a = abs[k];
            Agreement.require(ContractProperty.BATCH_INDEPENDENCE, subject, m.params.get(k).name() + " gradient of the batch [eval]",
                    whole.grads[k], 0, sum[k], 0, sum[k].length,
                    (i, x, e) -> 1e-5 * a[i] + 1e-6 * Agreement.maxAbs(a, 0, a.length) + 1e-30, "batch vs sum of single samples");
        }
    }

    private PropertyResult determinism(String subject) {
        Model m = model();
        int b = Math.max(batch, 16 * threads); // big enough that the kernels split their work over the pool
        m.batchOf(b);
        Pass serial = m.pass(m.context(null, true), m.x, m.r, true, null);
        Pass parallel;
        Pass again;
        try (WorkerPool pool = new WorkerPool(threads)) {
            parallel = m.pass(m.context(pool, true), m.x, m.r, true, null);
            again = m.pass(m.context(pool, true), m.x, m.r, true, null);
        }
        for (Pass p : new Pass[]{parallel, again}) {
            String run = (p == parallel ? threads + " threads" : "a repeated " + threads + "-thread run") + " vs 1 thread";
            Agreement.require(ContractProperty.DETERMINISM, subject, "output", p.y, 0, serial.y, 0, serial.y.length, Agreement.EXACT, run);
            Agreement.require(ContractProperty.DETERMINISM, subject, "input gradient", p.dx, 0, serial.dx, 0, serial.dx.length,
                    Agreement.EXACT, run);
            for (int k = 0; k < m.params.size(); k++) {
                Agreement.require(ContractProperty.DETERMINISM, subject, m.params.get(k).name() + " gradient", p.grads[k], 0,
                        serial.grads[k], 0, serial.grads[k].length, Agreement.EXACT, run);
            }
        }
        return PropertyResult.pass(ContractProperty.DETERMINISM, "training pass, batch " + b + ": 1 thread = " + threads
                + " threads = repeated run, bit for bit (output, input and parameter gradients)");
    }

    private PropertyResult evalPurity(String subject) {
        Model m = model();
        Context ctx = m.context(null, false);
        float[] values = m.model.params().values().clone();
        float[] grads = m.model.params().grads().clone();
        float[] buffers = m.model.params().buffers().clone();
        float[] x = m.x.clone();
        float[] other = m.x.clone();
        fillInput(other, 0, other.length, new Random(seed + 99));
        Workspace ws1 = m.model.workspace(batch);
        Workspace ws2 = m.model.workspace(batch);
        float[] y1 = output(m, ctx, ws1, x);
        output(m, ctx, ws2, other);
        float[] again = output(m, ctx, ws2, x);
        Agreement.require(ContractProperty.EVAL_PURITY, subject, "output of the same input after another eval forward",
                again, 0, y1, 0, y1.length, Agreement.EXACT, "second forward vs first");
        Agreement.require(ContractProperty.EVAL_PURITY, subject, "input (read only)", x, 0, m.x, 0, x.length, Agreement.EXACT,
                "after vs before");
        Agreement.require(ContractProperty.EVAL_PURITY, subject, "parameter store values", m.model.params().values(), 0,
                values, 0, values.length, Agreement.EXACT, "after vs before");
        Agreement.require(ContractProperty.EVAL_PURITY, subject, "parameter store gradients", m.model.params().grads(), 0,
                grads, 0, grads.length, Agreement.EXACT, "after vs before");
        Agreement.require(ContractProperty.EVAL_PURITY, subject, "parameter store buffers", m.model.params().buffers(), 0,
                buffers, 0, buffers.length, Agreement.EXACT, "after vs before");
        concurrentInference(m, x, y1, other, output(m, ctx, ws1, other), subject);
        return PropertyResult.pass(ContractProperty.EVAL_PURITY, "3 eval forwards over 2 workspaces: parameters, "
                + "gradients, buffers and input untouched; same input, same output; " + CONCURRENT_ROUNDS
                + " eval forwards on each of 2 threads at once give the same outputs");
    }

    /** Rounds each thread must run while the other is inside a forward too (a race needs the two at once). */
    private static final int CONCURRENT_ROUNDS = 200;
    /** How long the check may wait for that many overlapping rounds (on a loaded machine the threads rarely overlap). */
    private static final long CONCURRENT_MAX_NANOS = 10_000_000_000L;

    /**
     * Two threads, each with its own context and workspace, run eval forwards of different inputs at
     * the same time; each must keep getting its sequential output (a layer that keeps scratch in a
     * field instead of the workspace mixes them up). Each thread runs at least {@value #CONCURRENT_ROUNDS}
     * rounds, and both go on until one of them has had {@value #CONCURRENT_ROUNDS} rounds that overlapped
     * a forward of the other (or 10 s passed): on a loaded machine one thread can otherwise finish all
     * its rounds before the other starts, and a race would go unseen.
     */
    private void concurrentInference(Model m, float[] xa, float[] ya, float[] xb, float[] yb, String subject) {
        float[][] xs = {xa.clone(), xb.clone()};
        float[][] ys = {ya, yb};
        ContractViolation[] found = new ContractViolation[2];
        RuntimeException[] thrown = new RuntimeException[2];
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
        java.util.concurrent.atomic.AtomicInteger inForward = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger finished = new java.util.concurrent.atomic.AtomicInteger();
        Thread[] t = new Thread[2];
        for (int k = 0; k < 2; k++) {
            int id = k;
            t[k] = new Thread(() -> {
                try {
                    Context ctx = m.context(null, false);
                    Workspace ws = m.model.workspace(m.batch);
                    start.await();
                    long deadline = System.nanoTime() + CONCURRENT_MAX_NANOS;
                    int overlapped = 0;
                    for (int round = 0; found[0] == null && found[1] == null
                            && (round < CONCURRENT_ROUNDS || finished.get() == 0 && System.nanoTime() < deadline); round++) {
                        int before = inForward.incrementAndGet();
                        float[] y = output(m, ctx, ws, xs[id]);
                        int after = inForward.getAndDecrement();
                        if (before == 2 || after == 2) {
                            overlapped++;
                        }
                        try {
                            Agreement.require(ContractProperty.EVAL_PURITY, subject, "output of thread " + id
                                    + " in round " + round + " of concurrent inference", y, 0, ys[id], 0, y.length,
                                    Agreement.EXACT, "concurrent vs sequential");
                        } catch (ContractViolation v) {
                            found[id] = v;
                        }
                        if (overlapped == CONCURRENT_ROUNDS) {
                            finished.incrementAndGet(); // enough overlap seen: both threads stop after their minimum
                        }
                    }
                } catch (RuntimeException e) {
                    thrown[id] = e;
                } catch (InterruptedException | java.util.concurrent.BrokenBarrierException e) {
                    thrown[id] = new IllegalStateException("concurrent inference check interrupted", e);
                }
            }, "vecprop-contract-inference-" + k);
            t[k].start();
        }
        for (Thread th : t) {
            try {
                th.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while checking concurrent inference", e);
            }
        }
        for (int k = 0; k < 2; k++) {
            if (thrown[k] != null) {
                throw thrown[k];
            }
            if (found[k] != null) {
                throw found[k];
            }
        }
    }

    private PropertyResult serialization(String subject) {
        Model m = model();
        LayerConfig config = m.model.layers().get(0).config();
        if (config == null) {
            return PropertyResult.skipped(ContractProperty.SERIALIZATION,
                    "config() is null: the layer cannot be described in a checkpoint");
        }
        Path file;
        Sequential loaded;
        try {
            file = Files.createTempFile("vecprop-contract", ".safetensors");
        } catch (IOException e) {
            throw new UncheckedIOException("SERIALIZATION: cannot create a temporary checkpoint file", e);
        }
        try {
            Checkpoint.save(file, m.model);
            loaded = Checkpoint.load(file, registry).model();
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temporary file left behind does not change the verdict
            }
        }
        LayerConfig back = loaded.layers().get(0).config();
        if (!config.equals(back)) {
            throw new ContractViolation(ContractProperty.SERIALIZATION, subject, "the loaded layer's config " + back
                    + " differs from the saved " + config, null);
        }
        for (boolean training : new boolean[]{false, true}) {
            String mode = training ? "train" : "eval";
            float[] a = output(m, m.context(null, training), m.model.workspace(batch), m.x.clone());
            float[] b = output(m, m.context(null, training), loaded, loaded.workspace(batch), m.x.clone());
            Agreement.require(ContractProperty.SERIALIZATION, subject, "output [" + mode + "]", b, 0, a, 0, a.length,
                    Agreement.EXACT, "loaded vs saved");
        }
        return PropertyResult.pass(ContractProperty.SERIALIZATION, "save + load: same config, bit-identical outputs (eval, train)");
    }

    private PropertyResult shapeErrors(String subject) {
        for (Shape s : rejected) {
            try {
                new Sequential(s, factory.get());
            } catch (ShapeException expected) {
                continue;
            }
            throw new ContractViolation(ContractProperty.SHAPE_ERRORS, subject, "building on " + s
                    + " was accepted, but the contract declares it must throw ShapeException", null);
        }
        int accepted = 0;
        int refused = 0;
        for (Shape s : probes()) {
            Sequential probe;
            try {
                probe = new Sequential(s, factory.get());
            } catch (ShapeException expected) {
                refused++;
                continue;
            } catch (RuntimeException e) {
                throw new ContractViolation(ContractProperty.SHAPE_ERRORS, subject, "building on " + s + " threw " + e
                        + " instead of ShapeException", e);
            }
            // accepted: it must then work on that shape
            try {
                accepted++;
                Model pm = new Model(probe, 2);
                pm.pass(pm.context(null, true), pm.x, pm.r, true, null);
            } catch (RuntimeException e) {
                throw new ContractViolation(ContractProperty.SHAPE_ERRORS, subject, "accepted input " + s
                        + " at build, then a pass on it threw " + e, e);
            }
        }
        return PropertyResult.pass(ContractProperty.SHAPE_ERRORS, refused + " wrong shapes refused with ShapeException, "
                + accepted + " accepted and run" + (rejected.isEmpty() ? "" : ", " + rejected.size() + " declared refusals"));
    }

    /** Shapes next to the contract's: one dimension larger, one more and one fewer dimension. */
    private List<Shape> probes() {
        int[] d = input.dims();
        List<Shape> p = new ArrayList<>();
        for (int i = 0; i < d.length; i++) {
            int[] e = d.clone();
            e[i]++;
            p.add(Shape.of(e));
        }
        int[] more = new int[d.length + 1];
        more[0] = 2;
        System.arraycopy(d, 0, more, 1, d.length);
        p.add(Shape.of(more));
        if (d.length > 1) {
            p.add(Shape.of(input.size()));
        }
        return p;
    }

    // ---------------------------------------------------------------- the harness

    private Model model() {
        return new Model(new Sequential(input, factory.get()), batch);
    }

    private static float[] output(Model m, Context ctx, Workspace ws, float[] x) {
        return output(m, ctx, m.model, ws, x);
    }

    private static float[] output(Model m, Context ctx, Sequential model, Workspace ws, float[] x) {
        int yo = model.forward(ctx, ws, x, 0, m.batch);
        return Arrays.copyOfRange(ws.data(), yo, yo + m.batch * model.outputShape().size());
    }

    /** Inputs: N(0, 1), or token ids when {@link #tokenInputs}. */
    private void fillInput(float[] a, int off, int n, Random rnd) {
        if (vocab == 0) {
            fill(a, off, n, rnd);
            return;
        }
        for (int i = 0; i < n; i++) {
            a[off + i] = rnd.nextInt(vocab);
        }
    }

    private static void fill(float[] a, int off, int n, Random rnd) {
        for (int i = 0; i < n; i++) {
            a[off + i] = (float) rnd.nextGaussian();
        }
    }

    private static String gradientName(String tensor) {
        return tensor + " gradient";
    }

    /** One forward + backward: the output, dL/dx and each parameter's gradient in logical (row-major) order. */
    private record Pass(float[] y, float[] dx, float[][] grads) {}

    /** A model around one layer with seeded parameters, a random batch and a random output projection. */
    private final class Model {
        final Sequential model;
        final List<Param> params;
        int batch;
        float[] x;
        float[] r;

        Model(Sequential model, int batch) {
            this.model = model;
            Random rnd = new Random(seed);
            GradCheck.randomize(model, seed, rnd);
            this.params = model.params().trainable();
            batchOf(batch);
        }

        void batchOf(int b) {
            this.batch = b;
            Random rnd = new Random(seed * 31 + b);
            x = new float[b * model.inputShape().size()];
            r = new float[b * model.outputShape().size()];
            fillInput(x, 0, x.length, rnd);
            fill(r, 0, r.length, rnd);
        }

        Context context(WorkerPool pool, boolean training) {
            return ContextAccess.create(pool, training, seed).step(7);
        }

        /** A pass over the model's batch; {@code zero}: zero the gradients first; {@code dxInit}: dx's contents before backward. */
        Pass pass(Context ctx, float[] xs, float[] rs, boolean zero, float[] dxInit) {
            return run(ctx, xs, rs, batch, zero, dxInit);
        }

        /** A pass over {@code b} samples with zeroed gradients. */
        Pass passOf(Context ctx, float[] xs, float[] rs, int b) {
            return run(ctx, xs, rs, b, true, null);
        }

        private Pass run(Context ctx, float[] xs, float[] rs, int b, boolean zero, float[] dxInit) {
            boolean gradsZero = ctx.gradsZero();
            Workspace ws = model.workspace(b);
            int yo = model.forward(ctx, ws, xs, 0, b);
            float[] y = Arrays.copyOfRange(ws.data(), yo, yo + rs.length);
            if (zero) {
                model.params().zeroGrads();
            }
            System.arraycopy(rs, 0, ws.data(), ws.outputGradOffset(), rs.length);
            float[] dx = dxInit == null ? new float[xs.length] : dxInit.clone();
            ctx.gradsZero(gradsZero);
            model.backward(ctx, ws, xs, 0, b, dx, 0);
            float[][] g = new float[params.size()][];
            for (int k = 0; k < g.length; k++) {
                Param p = params.get(k);
                g[k] = new float[p.numel()];
                for (int i = 0; i < g[k].length; i++) {
                    g[k][i] = p.gradAt(i);
                }
            }
            return new Pass(y, dx, g);
        }
    }
}
