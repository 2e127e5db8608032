package dev.vecprop.spark;

import dev.vecprop.Platform;
import dev.vecprop.data.DataSource;
import dev.vecprop.data.IdxDataset;
import dev.vecprop.layer.LayerRegistry;
import dev.vecprop.layer.Sequential;
import dev.vecprop.optim.Optimizer;
import dev.vecprop.tensor.ParameterStore;
import dev.vecprop.train.Checkpoint;
import dev.vecprop.train.Shuffle;
import dev.vecprop.train.TrainingStep;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An executor's copy of the model for one partition of one fit, kept between rounds (rebuilding
 * the model, its workspace and its optimizer every round would cost more than the round's
 * compute). Its parameters are overwritten from every round's broadcast, so a worker holds no
 * state a retried task could depend on. Workers are checked out per task and returned after a
 * successful one; a failed task's worker is dropped.
 */
final class Worker {
    private static final Logger LOG = LoggerFactory.getLogger(SparkTrainer.class);
    private static final AtomicBoolean SCALAR_REPORTED = new AtomicBoolean();
    /** Scalar-kernel warnings logged in this JVM (0 or 1; read by a test). */
    static final java.util.concurrent.atomic.AtomicInteger SCALAR_WARNINGS = new java.util.concurrent.atomic.AtomicInteger();
    private static final Map<String, Queue<Worker>> IDLE = new ConcurrentHashMap<>();
    private static volatile String currentRun = "";

    final Sequential model;
    final TrainingStep step;
    final Shard shard;
    private final IdxDataset idx;
    private final int[] order;
    private final int[] share;
    private int orderEpoch = -1;

    private Worker(Setup s, Shard shard) {
        vectorCheck();
        this.model = buildModel(s);
        this.shard = shard;
        DataSource source = shard.source;
        if (source == null) {
            idx = IdxDataset.open(Paths.get(s.images), Paths.get(s.labels), s.classes).normalize(s.mean, s.std);
            source = idx;
        } else {
            idx = null;
        }
        this.step = TrainingStep.of(model, source, s.loss.get(), s.optimizer.get(), s.threads, s.seed);
        this.order = new int[s.mode == Mode.SYNC ? s.samples : shard.size()];
        this.share = new int[s.mode == Mode.SYNC ? s.batch : 0];
    }

    /** Logs once per executor JVM when vecprop's kernels run scalar there. */
    static void vectorCheck() {
        if (!Platform.vectorized() && SCALAR_REPORTED.compareAndSet(false, true)) {
            SCALAR_WARNINGS.incrementAndGet();
            LOG.warn("vecprop on this executor uses its scalar kernels ({}); for the Vector API add "
                    + "--add-modules=jdk.incubator.vector to spark.executor.extraJavaOptions",
                    Platform.scalarReason().orElse("vectors disabled"));
        }
    }

    private static Sequential buildModel(Setup s) {
        Path tmp = null;
        try {
            tmp = Files.createTempFile("vecprop-spark-model", ".safetensors");
            Files.write(tmp, s.modelFile);
            LayerRegistry registry = s.layers == null ? LayerRegistry.builtIn() : s.layers.get();
            return Checkpoint.load(tmp, registry).model();
        } catch (IOException e) {
            throw new UncheckedIOException("vecprop-spark: cannot write the model to a temporary file: " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a temporary file left behind is harmless
                }
            }
        }
    }

    /** A worker for this fit's partition: an idle one if there is one, else a new one. */
    static Worker checkout(Setup s, Shard shard) {
        if (!s.runId.equals(currentRun)) {
            synchronized (IDLE) {
                if (!s.runId.equals(currentRun)) {
                    for (Queue<Worker> q : IDLE.values()) {
                        for (Worker w : q) {
                            w.close();
                        }
                    }
                    IDLE.clear(); // workers of earlier fits in this JVM
                    currentRun = s.runId;
                }
            }
        }
        Queue<Worker> q = IDLE.computeIfAbsent(s.runId + "/" + shard.partition, k -> new ConcurrentLinkedQueue<>());
        Worker w;
        while ((w = q.poll()) != null) {
            if (w.shard == shard) {
                return w;
            }
            w.close(); // the cached shard was recomputed: bind a new worker to it
        }
        return new Worker(s, shard);
    }

    /** Returns a worker after a task that succeeded. */
    static void checkin(Setup s, Worker w) {
        if (s.runId.equals(currentRun)) {
            IDLE.computeIfAbsent(s.runId + "/" + w.shard.partition, k -> new ConcurrentLinkedQueue<>()).offer(w);
        } else {
            w.close();
        }
    }

    private void load(RoundState r) {
        ParameterStore p = model.params();
        System.arraycopy(r.values, 0, p.values(), 0, p.values().length);
        System.arraycopy(r.buffers, 0, p.buffers(), 0, p.buffers().length);
        p.zeroGrads();
        step.resetCounts();
    }

    /**
     * Sync: the gradient of this partition's share of global step {@code r.stepInEpoch} of the
     * epoch: the samples of the global batch (positions of the epoch's permutation of all samples)
     * that this partition owns.
     */
    PartResult syncShare(Setup s, RoundState r, String executor) {
        long t0 = System.nanoTime();
        load(r);
        if (orderEpoch != r.epoch) {
            Shuffle.permutation(order, s.seed, r.epoch, s.shuffle);
            orderEpoch = r.epoch;
        }
        int from = (int) (r.stepInEpoch * s.batch);
        int bs = Math.min(s.batch, s.samples - from);
        int count = 0;
        int off = shard.offset();
        for (int i = from; i < from + bs; i++) {
            int g = order[i];
            if (g >= shard.lo && g < shard.hi) {
                share[count++] = g - off;
            }
        }
        double loss = count > 0 ? step.accumulate(share, 0, bs, 0, count, r.globalStep) : 0;
        ParameterStore p = model.params();
        return new PartResult(shard.partition, p.grads().clone(), p.buffers().clone(), null, loss, count,
                step.correct(), step.seen(), System.nanoTime() - t0, executor, Platform.describeVectors());
    }

    /**
     * Avg: {@code r.lrs.length} local optimizer steps on this partition's own samples (its own
     * seeded permutation per epoch, batches of {@code s.batch}, wrapping around a short shard),
     * from the round's parameters and optimizer state.
     */
    PartResult localSteps(Setup s, RoundState r, String executor) {
        long t0 = System.nanoTime();
        load(r);
        Optimizer opt = step.optimizer();
        int k = 0;
        for (float[] a : opt.stateArrays().values()) {
            System.arraycopy(r.optState[k++], 0, a, 0, a.length);
        }
        opt.restoreSteps(r.optSteps);
        int m = shard.size();
        if (orderEpoch != r.epoch) {
            Shuffle.permutation(order, s.seed * 0x9E3779B97F4A7C15L + shard.partition + 1, r.epoch, s.shuffle);
            int base = shard.lo - shard.offset();
            for (int i = 0; i < m; i++) {
                order[i] += base;
            }
            orderEpoch = r.epoch;
        }
        double loss = 0;
        long samples = 0;
        for (int j = 0; j < r.lrs.length; j++) {
            long local = r.stepInEpoch + j;
            int from = (int) ((local * s.batch) % m);
            int bs = Math.min(s.batch, m - from);
            loss += step.accumulate(order, from, bs, from, bs, r.globalStep + j);
            step.apply(r.lrs[j]);
            samples += bs;
        }
        float[][] state = new float[opt.stateArrays().size()][];
        k = 0;
        for (float[] a : opt.stateArrays().values()) {
            state[k++] = a.clone();
        }
        ParameterStore p = model.params();
        return new PartResult(shard.partition, p.values().clone(), p.buffers().clone(), state, loss, samples,
                step.correct(), step.seen(), System.nanoTime() - t0, executor, Platform.describeVectors());
    }

    void close() {
        step.close();
        if (idx != null) {
            idx.close();
        }
    }
}
