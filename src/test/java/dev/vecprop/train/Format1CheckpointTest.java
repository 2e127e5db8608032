package dev.vecprop.train;

import dev.vecprop.data.ArrayDataSource;
import dev.vecprop.data.Normalization;
import dev.vecprop.io.Safetensors;
import dev.vecprop.layer.Linear;
import dev.vecprop.layer.ReLU;
import dev.vecprop.layer.Sequential;
import dev.vecprop.optim.Adam;
import dev.vecprop.optim.Optimizer;
import dev.vecprop.tensor.Param;
import dev.vecprop.layer.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checkpoints of format 1 (vecprop 0.1: architecture string {@code vecprop.arch}, Adam moments base64
 * in the header) still load, serve and resume. The fixture is a real file of that version, written at
 * commit 2e9053a by {@code ./vecprop train --arch 784-12-10 --epochs 1 --threads 1 --save FILE} on
 * MNIST (test accuracy 91.05% then).
 */
class Format1CheckpointTest {
    @TempDir
    Path dir;

    Path fixture() throws IOException {
        Path f = dir.resolve("format1.safetensors");
        try (InputStream in = getClass().getResourceAsStream("format1-mlp-784-12-10.safetensors")) {
            Files.copy(in, f);
        }
        return f;
    }

    static float[] input(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * 784];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextInt(4) == 0 ? (float) r.nextDouble() : 0f;
        }
        return x;
    }

    /** Logits of the file's tensors in double: W2 relu(W1 (x - mean)/std + b1) + b2. */
    static double[] reference(Safetensors.Contents c, float[] x, int s, double mean, double std) {
        float[] w1 = c.tensors().get("0.weight").data(), b1 = c.tensors().get("0.bias").data();
        float[] w2 = c.tensors().get("2.weight").data(), b2 = c.tensors().get("2.bias").data();
        double[] h = new double[12];
        for (int o = 0; o < 12; o++) {
            double a = b1[o];
            for (int k = 0; k < 784; k++) {
                a += w1[o * 784 + k] * ((x[s * 784 + k] - mean) / std);
            }
            h[o] = Math.max(0, a);
        }
        double[] y = new double[10];
        for (int o = 0; o < 10; o++) {
            double a = b2[o];
            for (int k = 0; k < 12; k++) {
                a += w2[o * 12 + k] * h[k];
            }
            y[o] = a;
        }
        return y;
    }

    @Test
    void loadsWithoutAnArchitectureStringAndComputesWhatTheFileHolds() throws IOException {
        Path f = fixture();
        Safetensors.Contents c = Checkpoint.read(f);
        assertThat(c.metadata()).containsKey("vecprop.arch").doesNotContainKey("vecprop.format");
        Checkpoint.Loaded l = Checkpoint.load(f);
        assertThat(l.model().layers()).hasSize(3);
        assertThat(l.model().layers().get(0)).isInstanceOf(Linear.class);
        assertThat(l.model().layers().get(1)).isInstanceOf(ReLU.class);
        assertThat(l.normalization()).isEqualTo(new Normalization(0f, 0.30810782f));
        for (Param p : l.model().params().all()) {
            float[] t = c.tensors().get(p.name()).data();
            for (int i = 0; i < p.numel(); i++) {
                assertThat(p.get(i)).as(p.name() + "[" + i + "]").isEqualTo(t[i]);
            }
        }
        int n = 5;
        float[] x = input(7, n);
        InferenceSession session = InferenceSession.load(f);
        float[] probs = new float[10];
        for (int s = 0; s < n; s++) {
            double[] ref = reference(c, x, s, 0.0, 0.30810782f);
            int best = 0;
            double max = Double.NEGATIVE_INFINITY, z = 0;
            for (int o = 0; o < 10; o++) {
                if (ref[o] > ref[best]) {
                    best = o;
                }
                max = Math.max(max, ref[o]);
            }
            for (double v : ref) {
                z += Math.exp(v - max);
            }
            session.probabilities(x, s * 784, probs, 0);
            for (int o = 0; o < 10; o++) {
                assertThat((double) probs[o]).isCloseTo(Math.exp(ref[o] - max) / z, org.assertj.core.data.Offset.offset(1e-5));
            }
            float[] one = java.util.Arrays.copyOfRange(x, s * 784, (s + 1) * 784);
            assertThat(session.predict(one)).isEqualTo(best);
        }
    }

    @Test
    void resumesWithTheBase64AdamMomentsAndStepCount() throws IOException {
        Path f = fixture();
        Safetensors.Contents c = Checkpoint.read(f);
        Checkpoint.Loaded l = Checkpoint.load(f);
        Optimizer opt = Adam.options().create(l.model().params());
        Checkpoint.restoreOptimizer(f, c, l.model(), opt);
        assertThat(opt.steps()).isEqualTo(938);
        int compared = 0;
        for (Map.Entry<String, float[]> s : opt.stateArrays().entrySet()) {
            for (Param p : l.model().params().trainable()) {
                byte[] raw = Base64.getDecoder().decode(c.metadata().get("vecprop.optim." + s.getKey() + "." + p.name()));
                ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
                assertThat(raw.length).isEqualTo(4 * p.numel());
                for (int i = 0; i < p.numel(); i++) {
                    assertThat(s.getValue()[p.index(i)]).isEqualTo(b.getFloat(4 * i));
                    compared++;
                }
            }
        }
        assertThat(compared).isEqualTo(2 * (784 * 12 + 12 + 12 * 10 + 10));

        // and a fit resumes from it: the saved epoch (1 of 2) and global step (938) carry on
        int n = 128;
        float[] x = input(11, n);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 10;
        }
        Sequential model = new Sequential(Shape.of(784), new Linear(784, 12), new ReLU(), new Linear(12, 10));
        FitResult r = Trainer.builder().epochs(2).batchSize(64).threads(1).optimizer(Adam.options())
                .resumeFrom(f).build().fit(model, ArrayDataSource.labeled(x, Shape.of(784), y, 10)
                        .withNormalization(new Normalization(0f, 0.30810782f)));
        assertThat(r.epochs()).hasSize(1);
        assertThat(r.last().epoch()).isEqualTo(1);
        assertThat(r.globalSteps()).isEqualTo(938 + 2);
    }
}
