package dev.vecprop.spark.bench;

import dev.vecprop.spark.VectorApi;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What one round of Spark's machinery costs without any training: a job over cached partitions that
 * does nothing, then with a broadcast of B floats read by every task, then with every task returning
 * R floats, as SparkTrainer's rounds do (median of 30 rounds after 10 warm-up rounds).
 * Run: see docs/SPARK.md ("Per-round cost").
 */
public final class RoundCost {
    private RoundCost() {}

    public static void main(String[] args) {
        String master = args.length > 0 ? args[0] : "local[2]";
        int floats = args.length > 1 ? Integer.parseInt(args[1]) : 235_152;
        SparkConf conf = VectorApi.enable(new SparkConf().setMaster(master).setAppName("round-cost").set("spark.ui.enabled", "false"));
        for (int i = 2; i + 1 < args.length; i += 2) {
            conf.set(args[i], args[i + 1]);
        }
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            sc.setLogLevel("WARN");
            int parts = sc.defaultParallelism();
            List<Integer> ids = new ArrayList<>();
            for (int p = 0; p < parts; p++) {
                ids.add(p);
            }
            JavaRDD<Integer> rdd = sc.parallelize(ids, parts).cache();
            rdd.count();
            for (int[] shape : new int[][]{{0, 0}, {1, 0}, {0, 1}, {1, 1}, {3, 3}}) {
                int down = shape[0] * floats;
                int up = shape[1] * floats;
                long[] t = new long[40];
                for (int r = 0; r < t.length; r++) {
                    float[] state = new float[down];
                    Arrays.fill(state, r * 0.1f + 0.37f);
                    long t0 = System.nanoTime();
                    Broadcast<float[]> b = sc.broadcast(state);
                    List<float[]> res = rdd.map(p -> {
                        float[] s = b.value();
                        float[] out = new float[up];
                        for (int i = 0; i < out.length; i++) {
                            out[i] = s.length > 0 ? s[i % s.length] + p : p;
                        }
                        return out;
                    }).collect();
                    b.destroy();
                    t[r] = System.nanoTime() - t0;
                    if (res.size() != parts) {
                        throw new IllegalStateException();
                    }
                }
                long[] w = Arrays.copyOfRange(t, 10, t.length);
                Arrays.sort(w);
                System.out.printf(Locale.ROOT, "%s: broadcast %,d floats, %d tasks each return %,d floats: median %.1f ms (min %.1f, max %.1f)%n",
                        master, down, parts, up, w[w.length / 2] / 1e6, w[0] / 1e6, w[w.length - 1] / 1e6);
            }
        }
    }
}
