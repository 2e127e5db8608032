package dev.vecprop.spark;

import dev.vecprop.ConfigException;
import dev.vecprop.data.DataSource;
import dev.vecprop.data.IdxDataset;
import dev.vecprop.data.Normalization;
import dev.vecprop.io.Safetensors;
import dev.vecprop.layer.LayerRegistry;
import dev.vecprop.layer.Sequential;
import dev.vecprop.loss.Loss;
import dev.vecprop.loss.SoftmaxCrossEntropy;
import dev.vecprop.optim.Adam;
import dev.vecprop.optim.LrSchedule;
import dev.vecprop.optim.Optimizer;
import dev.vecprop.optim.OptimizerFactory;
import dev.vecprop.tensor.ParameterStore;
import dev.vecprop.train.Checkpoint;
import dev.vecprop.train.Evaluation;
import dev.vecprop.train.Evaluator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Trains a vecprop model data-parallel on Apache Spark: one model, its samples spread over the
 * partitions of an RDD (or a {@code Dataset<Row>}, or IDX files every executor reads), in one of
 * two {@link Mode}s.
 *
 * <pre>
 *   SparkFitResult r = SparkTrainer.builder()
 *           .mode(Mode.AVG).batchSize(64).avgEvery(100)
 *           .epochs(2).seed(0)
 *           .loss(SoftmaxCrossEntropy::new).optimizer(Adam::options)
 *           .validation(testSet)
 *           .build()
 *           .fit(model, samples);            // JavaRDD&lt;Sample&gt;; the model is trained in place
 * </pre>
 *
 * <p>Every round is one Spark job: the driver broadcasts its state (parameters and buffers; in avg
 * mode also the optimizer state), each partition's task computes from it (sync: the gradient of its
 * share of one global batch; avg: {@code K} local steps), the driver collects the results in
 * partition order and combines them in that order (sync: adds the gradients and runs the optimizer;
 * avg: averages). A task is a pure function of the broadcast and its partition, so a task Spark
 * retries returns what the failed attempt would have, and a fit is bit-identical from run to run
 * for a given partition count and seed. The partitions' samples are cached on the executors for the
 * whole fit, and each executor keeps its model between rounds.
 *
 * <p>Executors need {@code --add-modules=jdk.incubator.vector} in
 * {@code spark.executor.extraJavaOptions} for the Vector API ({@link VectorApi#enable}); without it
 * they train with the scalar kernels and log that once.
 *
 * <p>The driver runs the loop on the calling thread and never prints; progress goes to the
 * {@link Builder#listener listener}.
 */
public final class SparkTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(SparkTrainer.class);

    private final Mode mode;
    private final int epochs;
    private final int batchSize;
    private final int avgEvery;
    private final long seed;
    private final int threads;
    private final boolean shuffle;
    private final LrSchedule schedule;
    private final SerializableSupplier<Loss> loss;
    private final SerializableSupplier<OptimizerFactory> optimizer;
    private final SerializableSupplier<LayerRegistry> layers;
    private final DataSource validation;
    private final List<Consumer<EpochReport>> listeners;
    private final String checkpoint;
    private final long checkpointEvery;
    private final String resumeFrom;
    private final long maxRounds;
    private final long failRound;
    private final int failPartition;

    private SparkTrainer(Builder b) {
        this.mode = b.mode;
        this.epochs = b.epochs;
        this.batchSize = b.batchSize;
        this.avgEvery = b.avgEvery;
        this.seed = b.seed;
        this.threads = b.threads;
        this.shuffle = b.shuffle;
        this.schedule = b.schedule;
        this.loss = b.loss;
        this.optimizer = b.optimizer;
        this.layers = b.layers;
        this.validation = b.validation;
        this.listeners = List.copyOf(b.listeners);
        this.checkpoint = b.checkpoint;
        this.checkpointEvery = b.checkpointEvery;
        this.resumeFrom = b.resumeFrom;
        this.maxRounds = b.maxRounds;
        this.failRound = b.failRound;
        this.failPartition = b.failPartition;
    }

    /** {@return a builder with the defaults: sync mode, batch 64, avg every 100 steps, 1 epoch, seed 0, softmax cross-entropy, Adam, constant lr 1e-3, 1 thread per task} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the mode} */
    public Mode mode() {
        return mode;
    }

    /**
     * Trains {@code model} in place on an RDD of samples, one data-parallel worker per partition.
     * The RDD must give the same samples in the same order every time it is computed (it is read
     * twice: counted, then cached); the sample at position {@code i} of the RDD's order is sample
     * {@code i} of the single-process equivalent.
     *
     * @param model   the model; its layers must be describable (built-in layers, or user layers the
     *                {@link Builder#layers layer registry} makes)
     * @param samples the training samples, in at least one non-empty partition each
     * @return the fit's metrics
     * @throws ConfigException if the data or settings do not fit the model
     */
    public SparkFitResult fit(Sequential model, JavaRDD<Sample> samples) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(samples.context());
        int partitions = samples.getNumPartitions();
        List<long[]> counted = samples.mapPartitionsWithIndex(COUNT, true).collect();
        int[] counts = new int[partitions];
        int[] offsets = new int[partitions];
        long n = 0;
        for (long[] c : counted) {
            counts[(int) c[0]] = (int) c[1];
        }
        for (int p = 0; p < partitions; p++) {
            if (counts[p] == 0) {
                throw new ConfigException("partition " + p + " of the training RDD is empty: every partition is a worker "
                        + "and needs samples (repartition the RDD)");
            }
            offsets[p] = (int) n;
            n += counts[p];
            if (n > Integer.MAX_VALUE - 64) {
                throw new ConfigException("the training RDD holds more than " + (Integer.MAX_VALUE - 64) + " samples");
            }
        }
        JavaRDD<Shard> shards = samples.mapPartitionsWithIndex(
                new ToShard(offsets, counts, model.inputShape().dims(), model.outputShape().size()), true);
        return run(sc, model, shards, counts, (int) n, null, Normalization.NONE);
    }

    /**
     * Trains {@code model} in place on a Dataset's rows: a features column ({@code array<float>},
     * {@code array<double>} or an ML {@code Vector}) and a label column (an integral class, or an
     * array for a regression target). See {@link #fit(Sequential, JavaRDD)}.
     *
     * @param model          the model
     * @param rows           the training rows
     * @param featuresColumn the features column's name
     * @param labelColumn    the label (or target) column's name
     * @return the fit's metrics
     * @throws ConfigException if the data or settings do not fit the model
     */
    public SparkFitResult fit(Sequential model, Dataset<Row> rows, String featuresColumn, String labelColumn) {
        return fit(model, rows.select(featuresColumn, labelColumn).javaRDD().map(new RowToSample(featuresColumn, labelColumn)));
    }

    /**
     * Trains {@code model} in place on IDX files every executor reads (and the driver, which opens
     * them once for their size): {@code partitions} workers, partition {@code p} owning samples
     * {@code [p n / P, (p+1) n / P)}.
     *
     * @param sc         the Spark context
     * @param model      the model
     * @param files      the IDX files
     * @param partitions the number of data-parallel workers, {@code >= 1}
     * @return the fit's metrics
     * @throws ConfigException if the data or settings do not fit the model
     * @throws dev.vecprop.data.InvalidDataException if a file is missing or invalid
     */
    public SparkFitResult fit(JavaSparkContext sc, Sequential model, IdxFiles files, int partitions) {
        if (partitions < 1) {
            throw new ConfigException("partitions must be >= 1, got " + partitions);
        }
        int n;
        try (IdxDataset d = IdxDataset.open(Paths.get(files.images()), Paths.get(files.labels()), files.classes())) {
            n = d.size();
        }
        if (n < partitions) {
            throw new ConfigException(files.images() + " has " + n + " samples, fewer than the " + partitions + " partitions");
        }
        int[] counts = new int[partitions];
        List<Integer> ids = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            counts[p] = (int) ((long) n * (p + 1) / partitions - (long) n * p / partitions);
            ids.add(p);
        }
        int total = n;
        JavaRDD<Shard> shards = sc.parallelize(ids, partitions).mapPartitionsWithIndex(idxShard(total, partitions), true);
        return run(sc, model, shards, counts, n, files, files.normalization());
    }

    private static Function2<Integer, Iterator<Integer>, Iterator<Shard>> idxShard(int n, int partitions) {
        return (p, it) -> List.of(new Shard(p, (int) ((long) n * p / partitions), (int) ((long) n * (p + 1) / partitions),
                null)).iterator();
    }

    private static final Function2<Integer, Iterator<Sample>, Iterator<long[]>> COUNT = (p, it) -> {
        long c = 0;
        while (it.hasNext()) {
            it.next();
            c++;
        }
        return List.of(new long[]{p, c}).iterator();
    };

    private String signature(int partitions, int n) {
        return "mode=" + mode.name().toLowerCase(java.util.Locale.ROOT) + "; partitions=" + partitions + "; batch=" + batchSize
                + (mode == Mode.AVG ? "; avg_every=" + avgEvery : "") + "; epochs=" + epochs + "; samples=" + n
                + "; shuffle=" + shuffle + "; schedule=" + schedule.describe();
    }

    private SparkFitResult run(JavaSparkContext sc, Sequential model, JavaRDD<Shard> shardRdd, int[] counts, int n,
                               IdxFiles idx, Normalization norm) {
        int partitions = counts.length;
        int maxShard = Arrays.stream(counts).max().orElseThrow();
        if (mode == Mode.SYNC && batchSize > n) {
            throw new ConfigException("batch size " + batchSize + " exceeds the " + n + " training samples");
        }
        long stepsPerEpoch = mode == Mode.SYNC ? (n + batchSize - 1) / batchSize : (maxShard + batchSize - 1) / batchSize;
        long stepsPerRound = mode == Mode.SYNC ? 1 : Math.min(avgEvery, stepsPerEpoch);
        long roundsPerEpoch = (stepsPerEpoch + stepsPerRound - 1) / stepsPerRound;
        Loss driverLoss = loss.get();
        Optimizer opt = optimizer.get().create(model.params());
        String runId = UUID.randomUUID().toString();
        Setup setup = new Setup(runId, mode, modelBytes(model), loss, optimizer, layers, threads, seed, shuffle, batchSize,
                n, partitions, idx == null ? null : idx.images(), idx == null ? null : idx.labels(),
                idx == null ? 0 : idx.classes(), norm.mean(), norm.std(), failRound, failPartition);
        String sig = signature(partitions, n);
        int startEpoch = 0;
        long startStep = 0;
        long globalStep = 0;
        long round = 0;
        if (resumeFrom != null) {
            Path local = HadoopCheckpoint.download(resumeFrom, sc.hadoopConfiguration());
            try {
                Safetensors.Contents c = Checkpoint.read(local);
                Checkpoint.TrainState st = Checkpoint.restoreTraining(local, c, model, opt);
                if (!sig.equals(st.fit())) {
                    throw new ConfigException(resumeFrom + ": was trained with " + difference(st.fit(), sig)
                            + " (resuming keeps the settings that shape the rounds and batches)");
                }
                if (st.seed() != seed) {
                    throw new ConfigException(resumeFrom + ": was trained with seed " + st.seed() + ", this fit uses " + seed);
                }
                startEpoch = st.epoch();
                startStep = st.stepInEpoch();
                globalStep = st.globalStep();
                round = Long.parseLong(c.metadata().getOrDefault("vecprop.spark.round", "0"));
            } finally {
                deleteQuietly(local);
            }
        }
        Broadcast<Setup> setupB = sc.broadcast(setup);
        JavaRDD<Shard> shards = shardRdd.persist(StorageLevel.MEMORY_ONLY());
        Set<String> vectors = new LinkedHashSet<>();
        List<EpochReport> reports = new ArrayList<>();
        List<Long> allRounds = new ArrayList<>();
        List<Long> allCompute = new ArrayList<>();
        long roundsRun = 0;
        long stepsRun = 0;
        long trained = 0;
        double trainNanos = 0;
        ParameterStore ps = model.params();
        long bytesPerRound = 4L * partitions * ((long) ps.values().length + ps.buffers().length) // broadcast, once per executor at most
                + 4L * partitions * ((long) ps.values().length + ps.buffers().length);        // results
        if (mode == Mode.AVG) {
            long state = 4L * partitions * opt.stateArrays().size() * ps.values().length;
            bytesPerRound += 2 * state;
        }
        try {
            sc.setJobDescription("vecprop-spark: cache the partitions' samples");
            shards.count();
            epochs:
            for (int epoch = startEpoch; epoch < epochs; epoch++) {
                long first = epoch == startEpoch ? startStep : 0;
                double lossSum = 0;
                long lossSteps = 0;
                long correct = 0;
                long seen = 0;
                long epochSamples = 0;
                List<Long> roundNanos = new ArrayList<>();
                List<Long> computeNanos = new ArrayList<>();
                long t0 = System.nanoTime();
                for (long step = first; step < stepsPerEpoch; step += stepsPerRound) {
                    long k = Math.min(stepsPerRound, stepsPerEpoch - step);
                    long r0 = System.nanoTime();
                    float[] lrs = new float[(int) k];
                    for (int j = 0; j < k; j++) {
                        lrs[j] = schedule.lr(epoch, step + j, stepsPerEpoch);
                    }
                    float[][] optState = null;
                    if (mode == Mode.AVG) {
                        optState = opt.stateArrays().values().toArray(new float[0][]);
                    }
                    RoundState state = new RoundState(round, epoch, step, globalStep, lrs, ps.values(), ps.buffers(),
                            optState, opt.steps());
                    Broadcast<RoundState> rb = sc.broadcast(state);
                    List<PartResult> results;
                    try {
                        sc.setJobDescription("vecprop-spark " + mode.name().toLowerCase(java.util.Locale.ROOT) + " round "
                                + round + " (epoch " + (epoch + 1) + ", step " + step + ")");
                        results = shards.mapPartitionsWithIndex(new RoundTask(setupB, rb), true).collect();
                    } finally {
                        rb.destroy();
                    }
                    if (results.size() != partitions) {
                        throw new IllegalStateException("round " + round + ": " + results.size() + " results for " + partitions + " partitions");
                    }
                    long maxCompute = 0;
                    for (int p = 0; p < partitions; p++) {
                        PartResult res = results.get(p);
                        if (res.partition != p) {
                            throw new IllegalStateException("round " + round + ": result " + p + " is partition " + res.partition);
                        }
                        maxCompute = Math.max(maxCompute, res.computeNanos);
                        correct += res.correct;
                        seen += res.seen;
                        epochSamples += res.samples;
                        String v = "exec " + res.executor + ": " + res.vectors;
                        if (vectors.add(v) && res.vectors.startsWith("scalar")) {
                            LOG.warn("executor {} trains with vecprop's scalar kernels: {}", res.executor, res.vectors);
                        }
                    }
                    double roundLoss = combine(results, ps, opt, lrs);
                    lossSum += roundLoss;
                    lossSteps += mode == Mode.SYNC ? 1 : k;
                    globalStep += k;
                    stepsRun += k;
                    round++;
                    roundsRun++;
                    long r1 = System.nanoTime();
                    roundNanos.add(r1 - r0);
                    computeNanos.add(maxCompute);
                    if (checkpoint != null && checkpointEvery > 0 && round % checkpointEvery == 0) {
                        saveCheckpoint(sc, model, norm, opt, epoch, step + k, stepsPerEpoch, globalStep, round, sig, partitions);
                    }
                    if (maxRounds > 0 && roundsRun >= maxRounds) {
                        trainNanos += System.nanoTime() - t0;
                        trained += epochSamples;
                        allRounds.addAll(roundNanos);
                        allCompute.addAll(computeNanos);
                        if (checkpoint != null) {
                            saveCheckpoint(sc, model, norm, opt, epoch, step + k, stepsPerEpoch, globalStep, round, sig, partitions);
                        }
                        break epochs;
                    }
                }
                long t1 = System.nanoTime();
                double seconds = (t1 - t0) / 1e9;
                trainNanos += t1 - t0;
                trained += epochSamples;
                allRounds.addAll(roundNanos);
                allCompute.addAll(computeNanos);
                Evaluation ev = validation == null ? null : Evaluator.evaluate(model, validation, driverLoss, threads);
                EpochReport rep = new EpochReport(epoch + 1, epochs, lossSteps == 0 ? Double.NaN : lossSum / lossSteps,
                        seen == 0 ? Double.NaN : (double) correct / seen, ev, seconds,
                        seconds > 0 ? epochSamples / seconds : 0, roundNanos.size(), median(roundNanos), median(computeNanos));
                reports.add(rep);
                for (Consumer<EpochReport> l : listeners) {
                    l.accept(rep);
                }
            }
            if (checkpoint != null && (maxRounds == 0 || roundsRun < maxRounds)) {
                saveCheckpoint(sc, model, norm, opt, epochs, 0, stepsPerEpoch, globalStep, round, sig, partitions);
            }
        } finally {
            shards.unpersist(false);
            setupB.destroy();
        }
        double secs = trainNanos / 1e9;
        return new SparkFitResult(List.copyOf(reports), mode, partitions, roundsRun, stepsRun, secs,
                secs > 0 ? trained / secs : 0, median(allRounds), median(allCompute), bytesPerRound, Set.copyOf(vectors));
    }

    /**
     * Combines the round's results into the driver's model, in partition order (never arrival
     * order, so the float sums are the same every run). Sync: the gradient shares are added (each is
     * already divided by the global batch size) and the optimizer takes the step; buffers are
     * averaged. Avg: parameters, buffers and optimizer state are averaged and the optimizer's step
     * count advances by the round's steps. Returns the round's loss summed over its steps (sync: the
     * step's loss; avg: the mean over partitions of their step losses' sum).
     */
    private double combine(List<PartResult> results, ParameterStore ps, Optimizer opt, float[] lrs) {
        int parts = results.size();
        float inv = 1f / parts;
        double loss = 0;
        if (mode == Mode.SYNC) {
            float[] g = ps.grads();
            System.arraycopy(results.get(0).values, 0, g, 0, g.length);
            for (int p = 1; p < parts; p++) {
                add(g, results.get(p).values);
            }
            for (PartResult r : results) {
                loss += r.loss;
            }
            average(ps.buffers(), results, r -> r.buffers, inv);
            opt.step(lrs[0]); // zeroes the gradients
            return loss;
        }
        average(ps.values(), results, r -> r.values, inv);
        average(ps.buffers(), results, r -> r.buffers, inv);
        int k = 0;
        for (float[] a : opt.stateArrays().values()) {
            int idx = k++;
            average(a, results, r -> r.optState[idx], inv);
        }
        opt.restoreSteps(opt.steps() + lrs.length);
        for (PartResult r : results) {
            loss += r.loss;
        }
        return loss / parts;
    }

    private static void add(float[] acc, float[] x) {
        for (int i = 0; i < acc.length; i++) {
            acc[i] += x[i];
        }
    }

    private static void average(float[] dst, List<PartResult> results, java.util.function.Function<PartResult, float[]> f,
                                float inv) {
        if (dst.length == 0) {
            return;
        }
        System.arraycopy(f.apply(results.get(0)), 0, dst, 0, dst.length);
        for (int p = 1; p < results.size(); p++) {
            add(dst, f.apply(results.get(p)));
        }
        if (results.size() > 1) {
            for (int i = 0; i < dst.length; i++) {
                dst[i] *= inv;
            }
        }
    }

    /** The settings of {@code saved} that differ from {@code now}, as "key=a (this fit: key=b)". */
    static String difference(String saved, String now) {
        if (saved == null) {
            return "settings this trainer did not record (not a vecprop-spark checkpoint)";
        }
        List<String> a = List.of(saved.split("; "));
        List<String> b = List.of(now.split("; "));
        StringBuilder r = new StringBuilder();
        for (String x : a) {
            if (!b.contains(x)) {
                String key = x.contains("=") ? x.substring(0, x.indexOf('=') + 1) : x;
                String other = b.stream().filter(y -> y.startsWith(key)).findFirst().orElse("none");
                r.append(r.isEmpty() ? "" : ", ").append(x).append(" (this fit: ").append(other).append(')');
            }
        }
        for (String y : b) {
            String key = y.contains("=") ? y.substring(0, y.indexOf('=') + 1) : y;
            if (a.stream().noneMatch(x -> x.startsWith(key))) {
                r.append(r.isEmpty() ? "" : ", ").append("no ").append(key).append(" (this fit: ").append(y).append(')');
            }
        }
        return r.toString();
    }

    private static double median(List<Long> nanos) {
        if (nanos.isEmpty()) {
            return Double.NaN;
        }
        long[] a = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        double m = a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2.0;
        return m / 1e6;
    }

    private void saveCheckpoint(JavaSparkContext sc, Sequential model, Normalization norm, Optimizer opt, int epoch,
                                long stepInEpoch, long stepsPerEpoch, long globalStep, long round, String sig, int partitions) {
        if (stepInEpoch >= stepsPerEpoch) {
            epoch++;
            stepInEpoch = 0;
        }
        Path local = null;
        try {
            local = Files.createTempFile("vecprop-spark-ck", ".safetensors");
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("vecprop.spark.mode", mode.name().toLowerCase(java.util.Locale.ROOT));
            meta.put("vecprop.spark.partitions", Integer.toString(partitions));
            meta.put("vecprop.spark.round", Long.toString(round));
            Checkpoint.saveTraining(local, model, norm, meta,
                    new Checkpoint.TrainState(epoch, stepInEpoch, globalStep, seed, opt.describe(), sig), opt);
            HadoopCheckpoint.upload(local, checkpoint, sc.hadoopConfiguration());
        } catch (IOException e) {
            throw new UncheckedIOException("vecprop-spark: cannot stage the checkpoint locally: " + e.getMessage(), e);
        } finally {
            deleteQuietly(local);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a temporary file left behind is harmless
            }
        }
    }

    private byte[] modelBytes(Sequential model) {
        Path tmp = null;
        try {
            tmp = Files.createTempFile("vecprop-spark-model", ".safetensors");
            try {
                Checkpoint.save(tmp, model);
            } catch (dev.vecprop.io.CheckpointException e) {
                throw new ConfigException("SparkTrainer ships the model to the executors as a checkpoint: " + e.getMessage());
            }
            return Files.readAllBytes(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException("vecprop-spark: cannot stage the model locally: " + e.getMessage(), e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    /** Settings of a {@link SparkTrainer}; every setter checks its value and names it in the error. */
    public static final class Builder {
        private Mode mode = Mode.SYNC;
        private int epochs = 1;
        private int batchSize = 64;
        private int avgEvery = 100;
        private long seed;
        private int threads = 1;
        private boolean shuffle = true;
        private LrSchedule schedule = LrSchedule.constant(1e-3f);
        private SerializableSupplier<Loss> loss = SoftmaxCrossEntropy::new;
        private SerializableSupplier<OptimizerFactory> optimizer = Adam::options;
        private SerializableSupplier<LayerRegistry> layers;
        private DataSource validation;
        private final List<Consumer<EpochReport>> listeners = new ArrayList<>();
        private String checkpoint;
        private long checkpointEvery;
        private String resumeFrom;
        private long maxRounds;
        private long failRound = -1;
        private int failPartition = -1;

        private Builder() {}

        private static <T> T nonNull(T v, String what) {
            if (v == null) {
                throw new ConfigException(what + " must not be null");
            }
            return v;
        }

        /**
         * Sets the mode (default {@link Mode#SYNC}).
         *
         * @param m sync or avg
         * @return this builder
         */
        public Builder mode(Mode m) {
            this.mode = nonNull(m, "mode");
            return this;
        }

        /**
         * Sets the number of epochs (default 1).
         *
         * @param n epochs, 1..1,000,000
         * @return this builder
         * @throws ConfigException if {@code n} is out of range
         */
        public Builder epochs(int n) {
            if (n < 1 || n > 1_000_000) {
                throw new ConfigException("epochs must be in 1..1000000, got " + n);
            }
            this.epochs = n;
            return this;
        }

        /**
         * Sets the batch size (default 64): in sync mode the global batch of one optimizer step,
         * split over the partitions; in avg mode each partition's local batch.
         *
         * @param n samples, {@code >= 1}
         * @return this builder
         * @throws ConfigException if {@code n < 1}
         */
        public Builder batchSize(int n) {
            if (n < 1) {
                throw new ConfigException("batchSize must be >= 1, got " + n);
            }
            this.batchSize = n;
            return this;
        }

        /**
         * Sets K, the local steps between two averagings in avg mode (default 100; capped at an epoch's steps).
         *
         * @param k steps, {@code >= 1}
         * @return this builder
         * @throws ConfigException if {@code k < 1}
         */
        public Builder avgEvery(int k) {
            if (k < 1) {
                throw new ConfigException("avgEvery must be >= 1 steps, got " + k);
            }
            this.avgEvery = k;
            return this;
        }

        /**
         * Sets the seed of the shuffles and dropout masks (default 0).
         *
         * @param s the seed
         * @return this builder
         */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /**
         * Sets the kernel threads inside each task (default 1: Spark runs one task per executor core).
         *
         * @param n threads, 1..256; results do not depend on it
         * @return this builder
         * @throws ConfigException if {@code n} is out of range
         */
        public Builder threads(int n) {
            if (n < 1 || n > 256) {
                throw new ConfigException("threads must be in 1..256, got " + n);
            }
            this.threads = n;
            return this;
        }

        /**
         * Chooses whether to shuffle every epoch (default true).
         *
         * @param on true to shuffle
         * @return this builder
         */
        public Builder shuffle(boolean on) {
            this.shuffle = on;
            return this;
        }

        /**
         * Sets the learning-rate schedule (default constant 1e-3), over the epoch's optimizer steps
         * (avg mode: each partition's local steps).
         *
         * @param s the schedule
         * @return this builder
         */
        public Builder schedule(LrSchedule s) {
            this.schedule = nonNull(s, "schedule");
            return this;
        }

        /**
         * Sets the loss, made on every executor (default softmax cross-entropy).
         *
         * @param l a serializable supplier, e.g. {@code SoftmaxCrossEntropy::new}
         * @return this builder
         */
        public Builder loss(SerializableSupplier<Loss> l) {
            this.loss = nonNull(l, "loss");
            return this;
        }

        /**
         * Sets the optimizer's settings, made on the driver and (avg mode) on every executor (default Adam).
         *
         * @param o a serializable supplier, e.g. {@code () -> SGD.options().momentum(0.9)}
         * @return this builder
         */
        public Builder optimizer(SerializableSupplier<OptimizerFactory> o) {
            this.optimizer = nonNull(o, "optimizer");
            return this;
        }

        /**
         * Sets the layer registry executors rebuild the model with (default the built-in layers).
         *
         * @param r a serializable supplier of a registry that knows every layer of the model
         * @return this builder
         */
        public Builder layers(SerializableSupplier<LayerRegistry> r) {
            this.layers = nonNull(r, "layers");
            return this;
        }

        /**
         * Sets a validation set the driver evaluates after every epoch.
         *
         * @param v the samples, or null for none
         * @return this builder
         */
        public Builder validation(DataSource v) {
            this.validation = v;
            return this;
        }

        /**
         * Adds a listener called on the driver after every epoch.
         *
         * @param l the listener
         * @return this builder
         */
        public Builder listener(Consumer<EpochReport> l) {
            listeners.add(nonNull(l, "listener"));
            return this;
        }

        /**
         * Writes a resumable checkpoint every {@code everyRounds} rounds and at the end of the fit.
         *
         * @param uri         a path on any Hadoop file system Spark can write ({@code /tmp/ck.safetensors},
         *                    {@code hdfs://nn/ck.safetensors}), or null for none
         * @param everyRounds rounds between checkpoints, {@code >= 0} (0: only at the end)
         * @return this builder
         * @throws ConfigException if {@code everyRounds < 0}
         */
        public Builder checkpoint(String uri, long everyRounds) {
            if (everyRounds < 0) {
                throw new ConfigException("checkpoint interval must be >= 0 rounds, got " + everyRounds);
            }
            this.checkpoint = uri;
            this.checkpointEvery = everyRounds;
            return this;
        }

        /**
         * Resumes from a checkpoint this trainer wrote: weights, optimizer state and position. The
         * mode, partitions, batch, K, epochs, samples, shuffle, schedule and seed must be the same.
         *
         * @param uri the checkpoint's path (any Hadoop file system), or null for none
         * @return this builder
         */
        public Builder resumeFrom(String uri) {
            this.resumeFrom = uri;
            return this;
        }

        /**
         * Stops after a number of rounds in this fit (then writes the checkpoint, if any).
         *
         * @param n rounds, {@code >= 0}; 0 for no limit
         * @return this builder
         * @throws ConfigException if {@code n < 0}
         */
        public Builder maxRounds(long n) {
            if (n < 0) {
                throw new ConfigException("maxRounds must be >= 0, got " + n);
            }
            this.maxRounds = n;
            return this;
        }

        /** Test hook: the first attempt of {@code partition}'s task in round {@code round} throws after computing. */
        Builder failOnce(long round, int partition) {
            this.failRound = round;
            this.failPartition = partition;
            return this;
        }

        /** {@return the trainer} */
        public SparkTrainer build() {
            return new SparkTrainer(this);
        }
    }
}
