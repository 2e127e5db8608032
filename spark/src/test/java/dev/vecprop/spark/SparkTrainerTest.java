package dev.vecprop.spark;

import dev.vecprop.data.ArrayDataSource;
import dev.vecprop.data.DataSource;
import dev.vecprop.data.IdxDataset;
import dev.vecprop.data.Normalization;
import dev.vecprop.layer.Sequential;
import dev.vecprop.layer.Shape;
import dev.vecprop.optim.LrSchedule;
import dev.vecprop.train.Checkpoint;
import dev.vecprop.train.ModelSpec;
import dev.vecprop.train.Trainer;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SparkTrainer in Spark local mode, 2 worker threads, a task retried once after a failure
 * ({@code local[2,2]}: local mode's form of {@code spark.task.maxFailures=2}).
 */
class SparkTrainerTest {
    static final int N = 1200;
    static final int SIDE = 8;
    static final int CLASSES = 4;
    static JavaSparkContext sc;
    static final AtomicInteger failedTasks = new AtomicInteger();
    static float[] pixels;
    static int[] labels;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        SparkConf conf = VectorApi.enable(new SparkConf().setMaster("local[2,2]").setAppName("vecprop-spark-test")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1"));
        sc = new JavaSparkContext(conf);
        sc.setLogLevel("WARN");
        sc.sc().addSparkListener(new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd e) {
                if (!e.taskInfo().successful()) {
                    failedTasks.incrementAndGet();
                }
            }
        });
        // a learnable 4-class set of 8x8 images: a bright bar at a class-specific row, plus noise
        Random r = new Random(1);
        pixels = new float[N * SIDE * SIDE];
        labels = new int[N];
        for (int i = 0; i < N; i++) {
            int c = r.nextInt(CLASSES);
            labels[i] = c;
            int row = c * SIDE / CLASSES;
            for (int y = 0; y < SIDE; y++) {
                for (int x = 0; x < SIDE; x++) {
                    pixels[(i * SIDE + y) * SIDE + x] = Math.min(255, r.nextInt(60) + (y == row ? 180 : 0)) / 255f;
                }
            }
        }
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    static Sequential mlp() {
        return ModelSpec.parse("64-32-16-4", "relu", 0, false).build();
    }

    static JavaRDD<Sample> samples(int partitions) {
        List<Sample> list = new ArrayList<>();
        int f = SIDE * SIDE;
        for (int i = 0; i < N; i++) {
            list.add(Sample.labeled(java.util.Arrays.copyOfRange(pixels, i * f, (i + 1) * f), labels[i]));
        }
        return sc.parallelize(list, partitions);
    }

    static DataSource local() {
        return ArrayDataSource.labeled(pixels, Shape.of(SIDE * SIDE), labels, CLASSES);
    }

    static final LrSchedule SCHEDULE = LrSchedule.cosine(3e-3f, 0f, 2);

    static SparkTrainer.Builder sync() {
        return SparkTrainer.builder().mode(Mode.SYNC).batchSize(100).epochs(2).seed(7).schedule(SCHEDULE);
    }

    static SparkTrainer.Builder avg() {
        return SparkTrainer.builder().mode(Mode.AVG).batchSize(30).avgEvery(7).epochs(2).seed(7).schedule(SCHEDULE);
    }

    static float[] weights(SparkTrainer.Builder b, JavaRDD<Sample> data) {
        Sequential m = mlp();
        b.build().fit(m, data);
        return m.params().values().clone();
    }

    static double maxDiff(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    @Test
    void syncModeGivesTheSingleProcessWeightsAndIsBitIdenticalRunToRun() {
        Sequential single = mlp();
        Trainer.builder().batchSize(100).epochs(2).seed(7).schedule(SCHEDULE).threads(1).build().fit(single, local());
        float[] want = single.params().values();

        float[] two = weights(sync(), samples(2));
        assertTrue(maxDiff(want, two) < 1e-5, "2 partitions vs one process: max |dw| = " + maxDiff(want, two));
        assertArrayEquals(two, weights(sync(), samples(2)), "2 partitions, run to run");
        float[] three = weights(sync(), samples(3));
        assertTrue(maxDiff(want, three) < 1e-5, "3 partitions vs one process: max |dw| = " + maxDiff(want, three));
        assertArrayEquals(three, weights(sync(), samples(3)), "3 partitions, run to run");
        assertNotEquals(maxDiff(want, mlp().params().values()), 0.0); // training moved the weights
    }

    @Test
    void syncModeOverRowsAndOverIdxFilesTrainsTheSameAsOverAnRdd() throws Exception {
        float[] rdd = weights(sync(), samples(2));
        SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
        StructType schema = new StructType()
                .add("pixels", DataTypes.createArrayType(DataTypes.FloatType, false))
                .add("digit", DataTypes.IntegerType);
        // rows made from the same RDD keep its partitions and order: the same fit, bit for bit
        JavaRDD<Row> rows = samples(2).map(x -> {
            Float[] v = new Float[x.features().length];
            for (int k = 0; k < v.length; k++) {
                v[k] = x.features()[k];
            }
            return RowFactory.create(v, x.label());
        });
        Dataset<Row> ds = spark.createDataFrame(rows, schema);
        Sequential m = mlp();
        SparkFitResult r = sync().build().fit(m, ds, "pixels", "digit");
        assertEquals(2, r.partitions());
        assertArrayEquals(rdd, m.params().values(), "Dataset<Row> vs RDD<Sample>");
        int f = SIDE * SIDE;

        // IDX files: the same samples written as MNIST-style files, read by every task
        Path img = dir.resolve("img-idx3-ubyte");
        Path lab = dir.resolve("lab-idx1-ubyte");
        java.nio.ByteBuffer ib = java.nio.ByteBuffer.allocate(16 + N * f).putInt(0x803).putInt(N).putInt(SIDE).putInt(SIDE);
        java.nio.ByteBuffer lb = java.nio.ByteBuffer.allocate(8 + N).putInt(0x801).putInt(N);
        byte[] raw = new byte[N * f];
        for (int i = 0; i < N * f; i++) {
            raw[i] = (byte) Math.round(pixels[i] * 255f);
        }
        ib.put(raw);
        for (int i = 0; i < N; i++) {
            lb.put((byte) labels[i]);
        }
        Files.write(img, ib.array());
        Files.write(lab, lb.array());
        Sequential idxModel = mlp(); // 64 inputs take the files' (1,8,8) samples
        SparkFitResult ir = sync().build().fit(sc, idxModel, new IdxFiles(img.toString(), lab.toString(), CLASSES,
                Normalization.NONE), 2);
        Sequential single2 = mlp();
        try (IdxDataset d = IdxDataset.open(img, lab, CLASSES)) {
            Trainer.builder().batchSize(100).epochs(2).seed(7).schedule(SCHEDULE).threads(1).build().fit(single2, d);
        }
        assertTrue(maxDiff(single2.params().values(), idxModel.params().values()) < 1e-5, "IDX files, 2 partitions, vs one process");
        assertEquals(2, ir.partitions());
    }

    @Test
    void avgModeLearnsAndIsBitIdenticalRunToRun() {
        Sequential m = mlp();
        SparkFitResult r = avg().validation(local()).build().fit(m, samples(2));
        assertEquals(2, r.epochs().size());
        assertTrue(r.last().validation().accuracy() > 0.95, "avg accuracy " + r.last().validation().accuracy());
        // 600 samples per partition, batch 30: 20 local steps per epoch, rounds of 7, 7, 6
        assertEquals(6, r.rounds());
        assertEquals(40, r.steps());
        assertArrayEquals(m.params().values(), weights(avg(), samples(2)));
    }

    @Test
    void aTaskThatFailsOnceIsRetriedAndTheResultIsTheSame() {
        float[] clean = weights(avg(), samples(2));
        float[] cleanSync = weights(sync(), samples(2));
        int before = failedTasks.get();
        float[] retried = weights(avg().failOnce(2, 1), samples(2));
        float[] retriedSync = weights(sync().failOnce(5, 0), samples(2));
        assertEquals(2, failedTasks.get() - before, "failed task attempts");
        assertArrayEquals(clean, retried);
        assertArrayEquals(cleanSync, retriedSync);
    }

    @Test
    void aCheckpointEveryNRoundsResumesToTheUninterruptedResult() throws Exception {
        for (SparkTrainer.Builder mode : List.of(sync(), avg())) {
            String ck = "file://" + dir.resolve("ck-" + mode.build().mode() + ".safetensors");
            Sequential whole = mlp();
            mode.build().fit(whole, samples(2));
            Sequential part = mlp();
            // stops after 4 rounds, the checkpoint written at rounds 2 and 4
            mode.checkpoint(ck, 2).maxRounds(4).build().fit(part, samples(2));
            Checkpoint.Loaded saved = Checkpoint.load(Paths.get(java.net.URI.create(ck)));
            assertEquals("4", saved.metadata().get("vecprop.spark.round"));
            assertFalse(java.util.Arrays.equals(whole.params().values(), part.params().values()));
            Sequential resumed = mlp();
            SparkFitResult r = mode.checkpoint(null, 0).maxRounds(0).resumeFrom(ck).build().fit(resumed, samples(2));
            assertArrayEquals(whole.params().values(), resumed.params().values(), mode.build().mode() + " resumed");
            assertTrue(r.rounds() > 0);
            Sequential wrong = mlp();
            dev.vecprop.ConfigException e = assertThrows(dev.vecprop.ConfigException.class,
                    () -> mode.batchSize(50).build().fit(wrong, samples(2)));
            assertTrue(e.getMessage().contains(": was trained with batch=" + (mode.build().mode() == Mode.SYNC ? 100 : 30)
                    + " (this fit: batch=50) (resuming keeps"), e.getMessage());
        }
    }

    @Test
    void avgModeReachesNinetySevenPercentOnMnistInTwoEpochs() {
        Path mnist = Paths.get(System.getProperty("mnist.dir", "../data/mnist"));
        Assumptions.assumeTrue(Files.exists(mnist.resolve("train-images-idx3-ubyte")), "MNIST not in " + mnist);
        Path testImages = mnist.resolve("t10k-images-idx3-ubyte");
        Path testLabels = mnist.resolve("t10k-labels-idx1-ubyte");
        float std;
        try (IdxDataset d = IdxDataset.open(mnist.resolve("train-images-idx3-ubyte"), mnist.resolve("train-labels-idx1-ubyte"), 10)) {
            std = (float) d.pixelStats()[1];
        }
        try (IdxDataset test = IdxDataset.open(testImages, testLabels, 10).normalize(0f, std)) {
            Sequential m = ModelSpec.parse("mlp", "relu", 0, false).build();
            SparkFitResult r = SparkTrainer.builder().mode(Mode.AVG).batchSize(32).avgEvery(100).epochs(2).seed(0)
                    .schedule(LrSchedule.cosine(2e-3f, 0f, 2)).validation(test).build()
                    .fit(sc, m, new IdxFiles(mnist.resolve("train-images-idx3-ubyte").toString(),
                            mnist.resolve("train-labels-idx1-ubyte").toString(), 10, new Normalization(0f, std)), 2);
            double acc = r.last().validation().accuracy();
            System.out.printf("avg MNIST: %.4f after 2 epochs, %.0f samples/s, %d rounds, round %.1f ms, compute %.1f ms%n",
                    acc, r.samplesPerSecond(), r.rounds(), r.roundMillis(), r.computeMillis());
            assertTrue(acc >= 0.97, "avg-mode MNIST accuracy after 2 epochs: " + acc);
        }
    }
}
