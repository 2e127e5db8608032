package dev.vecprop.spark;

import dev.vecprop.Platform;
import dev.vecprop.data.ArrayDataSource;
import dev.vecprop.layer.Sequential;
import dev.vecprop.layer.Shape;
import dev.vecprop.train.ModelSpec;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Executors launched without {@code --add-modules jdk.incubator.vector} still train, with the
 * scalar kernels, and say so once. Runs in a JVM of its own without the flag (surefire execution
 * {@code scalar-executor}; in local mode the executor is the test's JVM).
 */
@Tag("scalar")
class ScalarExecutorTest {
    @Test
    void trainsWithTheScalarKernelsAndSaysSoOnce() {
        Assumptions.assumeFalse(Platform.vectorized(), "this JVM has the Vector API: the scalar-executor execution tests this");
        List<Sample> list = new ArrayList<>();
        Random r = new Random(3);
        float[] pixels = new float[400 * 16];
        int[] labels = new int[400];
        for (int i = 0; i < 400; i++) {
            int c = r.nextInt(2);
            labels[i] = c;
            float[] x = new float[16];
            for (int k = 0; k < 16; k++) {
                x[k] = r.nextFloat() * 0.3f + (k / 8 == c ? 0.7f : 0f);
            }
            System.arraycopy(x, 0, pixels, i * 16, 16);
            list.add(Sample.labeled(x, c));
        }
        SparkConf conf = new SparkConf().setMaster("local[2]").setAppName("scalar").set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1");
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            sc.setLogLevel("ERROR");
            for (int fit = 0; fit < 2; fit++) {
                Sequential m = ModelSpec.parse("16-8-2", "relu", 0, false).build();
                SparkFitResult res = SparkTrainer.builder().mode(Mode.AVG).batchSize(20).avgEvery(5).epochs(2)
                        .validation(ArrayDataSource.labeled(pixels, Shape.of(16), labels, 2)).build()
                        .fit(m, sc.parallelize(list, 2));
                assertTrue(res.last().validation().accuracy() > 0.9, "accuracy " + res.last().validation().accuracy());
                assertTrue(res.executorVectors().stream().allMatch(v -> v.contains("scalar (module jdk.incubator.vector is not in the module graph")),
                        res.executorVectors().toString());
            }
        }
        assertEquals(1, Worker.SCALAR_WARNINGS.get(), "scalar-kernel warnings in this executor JVM");
    }
}
