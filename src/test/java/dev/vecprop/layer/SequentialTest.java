package dev.vecprop.layer;

import dev.vecprop.concurrent.WorkerPool;
import dev.vecprop.loss.MSELoss;
import dev.vecprop.loss.SoftmaxCrossEntropy;
import dev.vecprop.loss.Targets;
import dev.vecprop.tensor.Param;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

class SequentialTest {

    @Test
    void shapeMismatchFailsAtConstructionNamingBothLayers() {
        assertThatThrownBy(() -> new Sequential(Shape.of(784), new Linear(784, 256), new Linear(128, 10)))
                .isInstanceOf(ShapeException.class)
                .hasMessageContaining("layer 1 Linear(128->10)")
                .hasMessageContaining("layer 0 Linear(784->256) outputs (256)");
        assertThatThrownBy(() -> new Sequential(Shape.of(1, 28, 28), new Linear(784, 10)))
                .isInstanceOf(ShapeException.class).hasMessageContaining("add a Flatten");
        assertThatThrownBy(() -> new Sequential(Shape.of(8), new Residual(new Linear(8, 4))))
                .isInstanceOf(ShapeException.class).hasMessageContaining("needs equal shapes");
    }

    @Test
    void tensorsAreNamedLikePyTorchStateDict() {
        Sequential m = new Sequential(Shape.of(1, 4, 4), new Flatten(), new Linear(16, 8), new ReLU(),
                new BatchNorm1d(8), new Residual(new Linear(8, 8), new Tanh()), new Linear(8, 3, false));
        assertThat(m.params().all()).extracting(Param::name).containsExactly(
                "1.weight", "1.bias", "3.weight", "3.bias", "3.running_mean", "3.running_var",
                "3.num_batches_tracked", "4.0.weight", "4.0.bias", "5.weight");
        assertThat(m.params().get("1.weight").shape()).containsExactly(8, 16);
        assertThat(m.params().parameterCount()).isEqualTo(16 * 8 + 8 + 8 + 8 + 64 + 8 + 24);
    }

    @Test
    void weightsRoundTripThroughPyTorchLayout() {
        Sequential m = new Sequential(Shape.of(5), new Linear(5, 3));
        Param w = m.params().get("0.weight");
        float[] plain = new float[15];
        for (int i = 0; i < 15; i++) {
            plain[i] = i + 1; // W[o][i] = 5*o + i + 1
        }
        w.copyFrom(plain, 0);
        assertThat(w.get(1 * 5 + 2)).isEqualTo(8f);
        assertThat(w.toArray()).containsExactly(plain);
    }

    /** A 2-2-1 network with ReLU and MSE, forward and backward worked out by hand. */
    @Test
    void tinyNetworkMatchesHandComputedLossAndGradients() {
        Sequential m = new Sequential(Shape.of(2), new Linear(2, 2), new ReLU(), new Linear(2, 1));
        m.params().get("0.weight").copyFrom(new float[]{0.5f, -1f, 1.5f, 2f}, 0); // rows: h1, h2
        m.params().get("0.bias").copyFrom(new float[]{0.1f, -0.2f}, 0);
        m.params().get("2.weight").copyFrom(new float[]{1f, -0.5f}, 0);
        m.params().get("2.bias").copyFrom(new float[]{0.3f}, 0);
        float[] x = {1f, 2f};
        // z1 = 0.5*1 - 1*2 + 0.1 = -1.4 -> h1 = 0;  z2 = 1.5 + 4 - 0.2 = 5.3 -> h2 = 5.3
        // y = 0*1 + 5.3*(-0.5) + 0.3 = -2.35; target 1: loss = (y-1)^2 = 11.2225, dL/dy = 2(y-1) = -6.7
        Workspace ws = m.workspace(1);
        Context ctx = Context.training(0);
        int yo = m.forward(ctx, ws, x, 0, 1);
        assertThat(ws.data()[yo]).isCloseTo(-2.35f, offset(1e-6f));
        double loss = new MSELoss().compute(ws.data(), yo, 1, 1, Targets.values(new float[]{1f}, 0),
                ws.data(), ws.outputGradOffset());
        assertThat(loss).isCloseTo(11.2225, offset(1e-5));
        m.params().zeroGrads();
        float[] dx = new float[2];
        m.backward(ctx, ws, x, 0, 1, dx, 0);
        // dW2 = dL/dy * h = (0, -35.51); db2 = -6.7; dh = dL/dy * W2 = (-6.7, 3.35); dz = (0, 3.35)
        // dW1 = dz^T x = [[0,0],[3.35,6.7]]; db1 = (0, 3.35); dx = dz W1 = (3.35*1.5, 3.35*2)
        assertThat(m.params().get("2.weight").gradAt(0)).isCloseTo(0f, offset(1e-6f));
        assertThat(m.params().get("2.weight").gradAt(1)).isCloseTo(-35.51f, offset(1e-4f));
        assertThat(m.params().get("2.bias").gradAt(0)).isCloseTo(-6.7f, offset(1e-5f));
        Param w1 = m.params().get("0.weight");
        assertThat(new float[]{w1.gradAt(0), w1.gradAt(1), w1.gradAt(2), w1.gradAt(3)})
                .containsExactly(new float[]{0f, 0f, 3.35f, 6.7f}, offset(1e-5f));
        assertThat(m.params().get("0.bias").gradAt(1)).isCloseTo(3.35f, offset(1e-5f));
        assertThat(dx).containsExactly(new float[]{5.025f, 6.7f}, offset(1e-5f));
    }

    @Test
    void fusedLinearReluEqualsTheUnfusedComputation() {
        Random rnd = new Random(4);
        Sequential fused = new Sequential(Shape.of(37), new Linear(37, 29), new ReLU(), new Linear(29, 11));
        Sequential plain = new Sequential(Shape.of(37), new Linear(37, 29), new LeakyReLU(0f), new Linear(29, 11));
        fused.initialize(9);
        plain.initialize(9);
        int b = 6;
        float[] x = new float[b * 37];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        float[] outF = run(fused, x, b);
        float[] outP = run(plain, x, b);
        for (int i = 0; i < outF.length; i++) {
            assertThat(outF[i] == outP[i]).as("output %d", i).isTrue();
        }
        float[] gF = fused.params().grads();
        float[] gP = plain.params().grads();
        for (int i = 0; i < gF.length; i++) {
            assertThat(gF[i] == gP[i]).as("gradient %d: %s vs %s", i, gF[i], gP[i]).isTrue();
        }
    }

    /**
     * The convolution fusions (Conv2d + ReLU forward; ReLU backward inside the next Conv2d's input
     * gradient and inside MaxPool2d's backward, 2x2 and general windows; Flatten as a view) give the
     * unfused computation's values (a LeakyReLU(0), which nothing fuses, in place of each ReLU), for
     * 1 and 2 threads, and the fused model's gradients are bit-identical across thread counts.
     */
    @Test
    void fusedConvReluPoolEqualsTheUnfusedComputation() {
        Random rnd = new Random(6);
        int b = 5;
        float[] x = new float[b * 2 * 14 * 14];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        float[][] fusedGrads = new float[2][];
        for (int t = 1; t <= 2; t++) {
            try (WorkerPool pool = new WorkerPool(t)) {
                for (boolean general : new boolean[]{false, true}) {
                    Sequential fused = convNet(true, general);
                    Sequential plain = convNet(false, general);
                    float[] outF = runConv(fused, x, b, pool);
                    float[] outP = runConv(plain, x, b, pool);
                    for (int i = 0; i < outF.length; i++) {
                        assertThat(outF[i] == outP[i]).as("output %d", i).isTrue();
                    }
                    float[] gF = fused.params().grads();
                    float[] gP = plain.params().grads();
                    for (int i = 0; i < gF.length; i++) {
                        assertThat(gF[i] == gP[i]).as("gradient %d (general pool %s, %d threads): %s vs %s",
                                i, general, t, gF[i], gP[i]).isTrue();
                    }
                    if (!general) {
                        fusedGrads[t - 1] = gF.clone();
                    }
                }
            }
        }
        assertThat(fusedGrads[1]).containsExactly(fusedGrads[0]);
    }

    private static Sequential convNet(boolean relu, boolean generalPool) {
        Sequential m = new Sequential(Shape.of(2, 14, 14),
                new Conv2d(2, 3, 3), relu ? new ReLU() : new LeakyReLU(0f),
                new Conv2d(3, 4, 3), relu ? new ReLU() : new LeakyReLU(0f),
                generalPool ? new MaxPool2d(3, 2, 1) : new MaxPool2d(2),
                new Flatten(), new Linear(generalPool ? 4 * 5 * 5 : 4 * 5 * 5, 7));
        m.initialize(8);
        return m;
    }

    private static float[] runConv(Sequential m, float[] x, int b, WorkerPool pool) {
        Workspace ws = m.workspace(b);
        Context ctx = new Context(pool, true, 3).step(1);
        int yo = m.forward(ctx, ws, x, 0, b);
        float[] out = java.util.Arrays.copyOfRange(ws.data(), yo, yo + b * 7);
        int[] labels = new int[b];
        for (int i = 0; i < b; i++) {
            labels[i] = i % 7;
        }
        new SoftmaxCrossEntropy().compute(ws.data(), yo, b, 7, Targets.labels(labels, 0), ws.data(), ws.outputGradOffset());
        m.params().zeroGrads();
        m.backward(ctx, ws, x, 0, b, null, 0);
        return out;
    }

    private static float[] run(Sequential m, float[] x, int b) {
        Workspace ws = m.workspace(b);
        Context ctx = Context.training(1);
        int yo = m.forward(ctx, ws, x, 0, b);
        float[] out = java.util.Arrays.copyOfRange(ws.data(), yo, yo + b * 11);
        int[] labels = new int[b];
        for (int i = 0; i < b; i++) {
            labels[i] = i % 11;
        }
        new SoftmaxCrossEntropy().compute(ws.data(), yo, b, 11, Targets.labels(labels, 0), ws.data(), ws.outputGradOffset());
        m.params().zeroGrads();
        m.backward(ctx, ws, x, 0, b, null, 0);
        return out;
    }

    @Test
    void gradientsAreBitIdenticalForOneAndTwoThreads() {
        Random rnd = new Random(5);
        int b = 64;
        float[] x = new float[b * 100];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextFloat();
        }
        float[][] grads = new float[2][];
        for (int t = 1; t <= 2; t++) {
            try (WorkerPool pool = new WorkerPool(t)) {
                Sequential m = new Sequential(Shape.of(100), new Linear(100, 300), new ReLU(), new Dropout(0.2),
                        new Linear(300, 130), new ReLU(), new Linear(130, 10));
                m.initialize(3);
                Workspace ws = m.workspace(b);
                Context ctx = new Context(pool, true, 11).step(2);
                int yo = m.forward(ctx, ws, x, 0, b);
                int[] labels = new int[b];
                for (int i = 0; i < b; i++) {
                    labels[i] = i % 10;
                }
                new SoftmaxCrossEntropy().compute(ws.data(), yo, b, 10, Targets.labels(labels, 0), ws.data(),
                        ws.outputGradOffset());
                m.backward(ctx, ws, x, 0, b, null, 0);
                grads[t - 1] = m.params().grads().clone();
            }
        }
        assertThat(grads[1]).containsExactly(grads[0]);
    }

    /** Context#gradsZero: the write-instead-of-add path gives the accumulate path's gradients and lasts one backward. */
    @Test
    void gradsZeroWritesTheSameGradientsAndIsClearedByBackward() {
        Random rnd = new Random(9);
        int b = 37;
        float[] x = new float[b * 70];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextFloat() - 0.3f;
        }
        int[] labels = new int[b];
        for (int i = 0; i < b; i++) {
            labels[i] = i % 10;
        }
        float[][] once = new float[2][];
        float[][] twice = new float[2][];
        for (int mode = 0; mode < 2; mode++) {
            Sequential m = new Sequential(Shape.of(70), new Linear(70, 90), new ReLU(), new Linear(90, 33),
                    new BatchNorm1d(33), new ReLU(), new Linear(33, 10));
            m.initialize(4);
            Workspace ws = m.workspace(b);
            Context ctx = Context.training(1);
            m.params().zeroGrads();
            for (int pass = 0; pass < 2; pass++) {
                int yo = m.forward(ctx, ws, x, 0, b);
                new SoftmaxCrossEntropy().compute(ws.data(), yo, b, 10, Targets.labels(labels, 0), ws.data(),
                        ws.outputGradOffset());
                m.backward(ctx.gradsZero(mode == 1 && pass == 0), ws, x, 0, b, null, 0);
                assertThat(ctx.gradsZero()).as("cleared by backward").isFalse();
                if (pass == 0) {
                    once[mode] = m.params().grads().clone();
                } else {
                    twice[mode] = m.params().grads().clone();
                }
            }
        }
        for (int i = 0; i < once[0].length; i++) {
            assertThat(once[1][i] == once[0][i]).as("first backward, element %d", i).isTrue();
            assertThat(twice[1][i] == twice[0][i]).as("second backward accumulates, element %d", i).isTrue();
        }
        assertThat(twice[0]).isNotEqualTo(once[0]);

        // The flag is live: a dense layer then writes its weight gradient without reading the old one.
        Sequential m = new Sequential(Shape.of(70), new Linear(70, 10));
        m.initialize(4);
        Workspace ws = m.workspace(b);
        float[][] g = new float[2][];
        for (int mode = 0; mode < 2; mode++) {
            java.util.Arrays.fill(m.params().grads(), mode == 0 ? 0f : 1e3f);
            Context ctx = Context.training(1);
            int yo = m.forward(ctx, ws, x, 0, b);
            new SoftmaxCrossEntropy().compute(ws.data(), yo, b, 10, Targets.labels(labels, 0), ws.data(),
                    ws.outputGradOffset());
            m.backward(ctx.gradsZero(mode == 1), ws, x, 0, b, null, 0);
            g[mode] = grads(m.params().get("0.weight"));
        }
        assertThat(g[1]).containsExactly(g[0]);
    }

    /**
     * Input features that are zero in every sample (which the dense layer's GEMMs leave out): their
     * weight-gradient columns are exactly zero, the write and accumulate paths agree, and the output
     * matches a plain double-precision forward.
     */
    @Test
    void inputFeaturesZeroInTheWholeBatchAreLeftOutExactly() {
        Random rnd = new Random(12);
        int b = 21;
        int in = 96;
        boolean[] zero = new boolean[in];
        float[] x = new float[b * in];
        for (int c = 0; c < in; c++) {
            zero[c] = c % 3 != 1;
            for (int r = 0; r < b; r++) {
                x[r * in + c] = zero[c] ? 0f : rnd.nextFloat();
            }
        }
        int[] labels = new int[b];
        for (int i = 0; i < b; i++) {
            labels[i] = i % 10;
        }
        float[][] g = new float[2][];
        for (int mode = 0; mode < 2; mode++) {
            Sequential m = new Sequential(Shape.of(in), new Linear(in, 40), new ReLU(), new Linear(40, 10));
            m.initialize(5);
            Workspace ws = m.workspace(b);
            Context ctx = Context.training(1);
            m.params().zeroGrads();
            int yo = m.forward(ctx, ws, x, 0, b);
            if (mode == 0) {
                // plain forward in double: y = W2 relu(W1 x + b1) + b2
                float[] w1 = m.params().get("0.weight").toArray();
                float[] b1 = m.params().get("0.bias").toArray();
                float[] w2 = m.params().get("2.weight").toArray();
                float[] b2 = m.params().get("2.bias").toArray();
                for (int r = 0; r < b; r++) {
                    double[] h = new double[40];
                    for (int o = 0; o < 40; o++) {
                        double acc = b1[o];
                        for (int c = 0; c < in; c++) {
                            acc += (double) w1[o * in + c] * x[r * in + c];
                        }
                        h[o] = Math.max(0, acc);
                    }
                    for (int o = 0; o < 10; o++) {
                        double acc = b2[o];
                        for (int c = 0; c < 40; c++) {
                            acc += w2[o * 40 + c] * h[c];
                        }
                        assertThat((double) ws.data()[yo + r * 10 + o]).isCloseTo(acc, offset(1e-5));
                    }
                }
            }
            new SoftmaxCrossEntropy().compute(ws.data(), yo, b, 10, Targets.labels(labels, 0), ws.data(),
                    ws.outputGradOffset());
            m.backward(ctx.gradsZero(mode == 1), ws, x, 0, b, null, 0);
            g[mode] = grads(m.params().get("0.weight"));
        }
        assertThat(g[1]).containsExactly(g[0]);
        int nonZero = 0;
        for (int o = 0; o < 40; o++) {
            for (int c = 0; c < in; c++) {
                float v = g[0][o * in + c];
                if (zero[c]) {
                    assertThat(v).as("gradient of a weight of zero feature %d (output %d)", c, o).isZero();
                } else if (v != 0f) {
                    nonZero++;
                }
            }
        }
        assertThat(nonZero).isGreaterThan(40 * in / 3 / 2);
    }

    /** A parameter's gradient in PyTorch's layout. */
    private static float[] grads(Param p) {
        float[] g = new float[p.numel()];
        for (int i = 0; i < g.length; i++) {
            g[i] = p.gradAt(i);
        }
        return g;
    }

    @Test
    void dropoutIsDeterministicInvertedAndOffInEval() {
        Dropout d = new Dropout(0.25);
        Sequential m = new Sequential(Shape.of(1000), d);
        Workspace ws = m.workspace(4);
        float[] x = new float[4000];
        java.util.Arrays.fill(x, 2f);
        Context ctx = Context.training(42).step(3);
        int yo = m.forward(ctx, ws, x, 0, 4);
        float[] y1 = java.util.Arrays.copyOfRange(ws.data(), yo, yo + 4000);
        int zeros = 0;
        for (float v : y1) {
            assertThat(v == 0f || Math.abs(v - 2f / 0.75f) < 1e-6).isTrue();
            if (v == 0f) {
                zeros++;
            }
        }
        assertThat(zeros).isBetween(900, 1100); // 25% of 4000, +-4.6 sigma
        m.forward(ctx, ws, x, 0, 4);
        assertThat(java.util.Arrays.copyOfRange(ws.data(), yo, yo + 4000)).containsExactly(y1);
        m.forward(ctx.step(4), ws, x, 0, 4);
        assertThat(java.util.Arrays.copyOfRange(ws.data(), yo, yo + 4000)).isNotEqualTo(y1);
        m.forward(ctx.training(false), ws, x, 0, 4);
        assertThat(java.util.Arrays.copyOfRange(ws.data(), yo, yo + 4000)).containsOnly(2f);
    }

    @Test
    void batchNormTracksRunningStatisticsLikePyTorch() {
        Sequential m = new Sequential(Shape.of(2), new BatchNorm1d(2));
        Workspace ws = m.workspace(4);
        float[] x = {1, 10, 2, 20, 3, 30, 4, 40};
        int yo = m.forward(Context.training(0), ws, x, 0, 4);
        // feature 0: mean 2.5, biased var 1.25, unbiased 5/3
        assertThat(m.params().get("0.running_mean").get(0)).isCloseTo(0.25f, offset(1e-6f));
        assertThat(m.params().get("0.running_var").get(0)).isCloseTo(0.9f + 0.1f * 5f / 3f, offset(1e-6f));
        assertThat(m.params().get("0.num_batches_tracked").get(0)).isEqualTo(1f);
        assertThat(ws.data()[yo]).isCloseTo((float) ((1 - 2.5) / Math.sqrt(1.25 + 1e-5)), offset(1e-5f));
        int eo = m.forward(Context.inference(), ws, x, 0, 4);
        float rv = 0.9f + 0.1f * 5f / 3f;
        assertThat(ws.data()[eo]).isCloseTo((float) ((1 - 0.25) / Math.sqrt(rv + 1e-5)), offset(1e-5f));
        assertThatThrownBy(() -> m.forward(Context.training(0), ws, x, 0, 1))
                .isInstanceOf(ShapeException.class).hasMessageContaining("more than 1 value per channel");
    }

    @Test
    void rejectsBatchesOutsideTheWorkspace() {
        Sequential m = new Sequential(Shape.of(3), new Linear(3, 2));
        Workspace ws = m.workspace(2);
        assertThatThrownBy(() -> m.forward(Context.inference(), ws, new float[9], 0, 3))
                .isInstanceOf(ShapeException.class).hasMessageContaining("batch 3 outside 1..2");
        assertThatThrownBy(() -> m.forward(Context.inference(), m.workspace(4), new float[5], 0, 2))
                .isInstanceOf(ShapeException.class).hasMessageContaining("need 6 floats");
    }
}
