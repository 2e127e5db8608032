package dev.vecprop.train;

import dev.vecprop.layer.Sequential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class InferenceSessionTest {
    @TempDir
    Path dir;

    @Test
    void sixteenThreadsGetExactlyTheSerialResults() throws Exception {
        Sequential m = ModelSpec.parse("784-256-128-10", "relu", 0, false).build();
        m.initialize(7);
        InferenceSession s = new InferenceSession(m, 64, new dev.vecprop.data.Normalization(0.13f, 0.31f));
        Random r = new Random(1);
        int n = 500;
        float[][] xs = new float[n][784];
        for (float[] x : xs) {
            for (int i = 0; i < 784; i++) {
                x[i] = r.nextFloat();
            }
        }
        int[] serial = new int[n];
        float[][] serialP = new float[n][10];
        for (int i = 0; i < n; i++) {
            serial[i] = s.predict(xs[i]);
            s.probabilities(xs[i], 0, serialP[i], 0);
        }
        ExecutorService ex = Executors.newFixedThreadPool(16);
        try {
            List<Future<Integer>> fs = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                final int seed = t;
                fs.add(ex.submit(() -> {
                    Random q = new Random(seed);
                    float[] p = new float[10];
                    int checked = 0;
                    for (int k = 0; k < 2000; k++) {
                        int i = q.nextInt(n);
                        if (s.predict(xs[i]) != serial[i]) {
                            throw new AssertionError("thread " + seed + " sample " + i + ": class differs");
                        }
                        s.probabilities(xs[i], 0, p, 0);
                        for (int j = 0; j < 10; j++) {
                            if (Float.floatToRawIntBits(p[j]) != Float.floatToRawIntBits(serialP[i][j])) {
                                throw new AssertionError("thread " + seed + " sample " + i + ": probability differs");
                            }
                        }
                        checked++;
                    }
                    return checked;
                }));
            }
            int total = 0;
            for (Future<Integer> f : fs) {
                total += f.get();
            }
            assertThat(total).isEqualTo(32_000);
        } finally {
            ex.shutdownNow();
        }
        // batched prediction agrees with single-sample prediction
        float[] flat = new float[n * 784];
        for (int i = 0; i < n; i++) {
            System.arraycopy(xs[i], 0, flat, i * 784, 784);
        }
        int[] batch = new int[n];
        s.predictBatch(flat, n, batch);
        assertThat(batch).containsExactly(serial);
    }

    @Test
    void topKIsSortedAndSumsBelowOne() {
        Sequential m = ModelSpec.parse("20-8-5", "relu", 0, false).build();
        m.initialize(3);
        InferenceSession s = new InferenceSession(m, 4, dev.vecprop.data.Normalization.NONE);
        float[] x = new float[20];
        java.util.Arrays.fill(x, 0.5f);
        List<InferenceSession.Prediction> top = s.topK(x, 5);
        assertThat(top).hasSize(5);
        double sum = 0;
        for (int i = 0; i < 5; i++) {
            sum += top.get(i).probability();
            if (i > 0) {
                assertThat(top.get(i).probability()).isLessThanOrEqualTo(top.get(i - 1).probability());
            }
        }
        assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(top.get(0).label()).isEqualTo(s.predict(x));
    }

    /**
     * A request allocates nothing once the session is warm: batch-1 predict (the matrix-vector path),
     * probabilities and predictBatch, counted by the JVM's per-thread allocation counter.
     */
    @Test
    @org.junit.jupiter.api.Tag("allocation")
    void requestsAllocateNothingOnceWarm() {
        Sequential m = ModelSpec.parse("mlp", "relu", 0, false).build();
        InferenceSession s = new InferenceSession(m, 64, dev.vecprop.data.Normalization.NONE);
        Random r = new Random(5);
        float[] x = new float[64 * 784];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextInt(4) == 0 ? r.nextFloat() : 0f;
        }
        float[] probs = new float[10];
        int[] labels = new int[64];
        Runnable requests = () -> {
            for (int i = 0; i < 64; i++) {
                s.predict(x, i * 784);
                s.probabilities(x, i * 784, probs, 0);
            }
            s.predictBatch(x, 64, labels);
        };
        for (int i = 0; i < 300; i++) {
            requests.run(); // warm: the JIT compiles and removes what escape analysis can
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        int rounds = 200;
        for (int i = 0; i < rounds; i++) {
            requests.run();
        }
        long perRound = (mx.getCurrentThreadAllocatedBytes() - before) / rounds;
        // 129 requests per round; a boxed float or a small array per request would be >= 2 KB a round
        assertThat(perRound).as("bytes allocated per 129 requests").isLessThan(256);
    }
}
