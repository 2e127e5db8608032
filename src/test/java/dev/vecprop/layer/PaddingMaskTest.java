package dev.vecprop.layer;

import dev.vecprop.concurrent.WorkerPool;
import dev.vecprop.internal.ContextAccess;
import dev.vecprop.loss.SoftmaxCrossEntropy;
import dev.vecprop.loss.Targets;
import dev.vecprop.tensor.Param;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Variable-length batches: sequences padded to the model's length and run with a {@link PaddingMask}
 * give the loss and the gradients of the unpadded sequences, whatever the padding holds.
 */
class PaddingMaskTest {
    private static final int T = 7;
    private static final int F = 5;
    private static final int[] LENGTHS = {7, 3, 5, 1};
    private static final int[] LABELS = {0, 2, 1, 2};

    private static Sequential model(int steps) {
        return new Sequential(Shape.of(steps, F), new Linear(F, 8), new PositionalEmbedding(T, 8),
                new TransformerEncoderLayer(8, 2, 12), new TransformerEncoderLayer(8, 4, 6, true, 1e-5f),
                new LayerNorm(8), new MeanOverTime(), new Linear(8, 3));
    }

    private record Pass(double loss, float[] grads, float[] dx) {}

    private static Pass run(Sequential m, Context ctx, float[] x, int batch, int[] labels) {
        Workspace ws = m.workspace(batch);
        int yo = m.forward(ctx, ws, x, 0, batch);
        double loss = new SoftmaxCrossEntropy().compute(ws.data(), yo, batch, 3, Targets.labels(labels, 0),
                ws.data(), ws.outputGradOffset());
        m.params().zeroGrads();
        float[] dx = new float[x.length];
        m.backward(ctx, ws, x, 0, batch, dx, 0);
        return new Pass(loss, m.params().grads().clone(), dx);
    }

    private static float[] padded(Random rnd, float[] valid, double garbage) {
        float[] x = valid.clone();
        for (int b = 0; b < LENGTHS.length; b++) {
            for (int i = (b * T + LENGTHS[b]) * F; i < (b + 1) * T * F; i++) {
                x[i] = (float) (rnd.nextGaussian() * garbage);
            }
        }
        return x;
    }

    @Test
    void paddingChangesNeitherTheLossNorTheGradients() {
        Random rnd = new Random(5);
        Sequential m = model(T);
        m.initialize(3);
        float[] valid = new float[LENGTHS.length * T * F];
        for (int i = 0; i < valid.length; i++) {
            valid[i] = (float) rnd.nextGaussian();
        }
        PaddingMask mask = PaddingMask.ofLengths(T, LENGTHS);
        Context ctx = Context.training(1).paddingMask(mask);
        Pass zeros = run(m, ctx, padded(rnd, valid, 0), LENGTHS.length, LABELS);
        Pass noise = run(m, ctx, padded(rnd, valid, 1e3), LENGTHS.length, LABELS);
        // whatever the padding holds: the same bits
        assertThat(noise.loss).isEqualTo(zeros.loss);
        assertThat(noise.grads).isEqualTo(zeros.grads);
        assertThat(noise.dx).isEqualTo(zeros.dx);
        for (int b = 0; b < LENGTHS.length; b++) {
            for (int i = (b * T + LENGTHS[b]) * F; i < (b + 1) * T * F; i++) {
                assertThat(noise.dx[i]).as("dL/dx at a padded position").isEqualTo(0f);
            }
        }
        // and what each sequence alone, unpadded, gives (the batch loss is the mean of the samples')
        double lossSum = 0;
        float[] gradSum = new float[zeros.grads.length];
        for (int b = 0; b < LENGTHS.length; b++) {
            int len = LENGTHS[b];
            Sequential alone = model(len);
            for (Param p : m.params().all()) {
                Param q = alone.params().get(p.name());
                for (int i = 0; i < p.numel(); i++) {
                    q.set(i, p.get(i));
                }
            }
            float[] xb = Arrays.copyOfRange(valid, b * T * F, (b * T + len) * F);
            Pass one = run(alone, Context.training(1), xb, 1, new int[]{LABELS[b]});
            lossSum += one.loss;
            for (Param p : m.params().trainable()) {
                Param q = alone.params().get(p.name());
                for (int i = 0; i < p.numel(); i++) {
                    gradSum[p.index(i)] += one.grads[q.index(i)] / LENGTHS.length;
                }
            }
            for (int i = 0; i < len * F; i++) {
                assertThat((double) zeros.dx[b * T * F + i]).as("dL/dx of sample %d, element %d", b, i)
                        .isCloseTo(one.dx[i] / LENGTHS.length, org.assertj.core.data.Offset.offset(1e-6));
            }
        }
        assertThat(zeros.loss).isCloseTo(lossSum / LENGTHS.length, org.assertj.core.data.Offset.offset(1e-6));
        for (Param p : m.params().trainable()) {
            for (int i = 0; i < p.numel(); i++) {
                assertThat((double) zeros.grads[p.index(i)]).as("%s[%d]", p.name(), i)
                        .isCloseTo(gradSum[p.index(i)], org.assertj.core.data.Offset.offset(1e-6));
            }
        }
    }

    @Test
    void maskedPassesAreBitIdenticalForAnyThreadCount() {
        Random rnd = new Random(9);
        Sequential m = model(T);
        int batch = 12;
        float[] x = new float[batch * T * F];
        int[] len = new int[batch];
        int[] labels = new int[batch];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        for (int b = 0; b < batch; b++) {
            len[b] = 1 + rnd.nextInt(T);
            labels[b] = rnd.nextInt(3);
        }
        PaddingMask mask = PaddingMask.ofLengths(T, len);
        Pass one = run(m, Context.training(1).paddingMask(mask), x, batch, labels);
        try (WorkerPool pool = new WorkerPool(2)) {
            Pass two = run(m, ContextAccess.create(pool, true, 1).paddingMask(mask), x, batch, labels);
            assertThat(two.loss).isEqualTo(one.loss);
            assertThat(two.grads).isEqualTo(one.grads);
            assertThat(two.dx).isEqualTo(one.dx);
        }
    }

    @Test
    void aMaskOfTheWrongShapeIsAOneLineErrorNamingTheLayer() {
        Sequential m = model(T);
        Workspace ws = m.workspace(4);
        float[] x = new float[4 * T * F];
        Context wrongBatch = Context.training(1).paddingMask(PaddingMask.ofLengths(T, 1, 2, 3));
        assertThatThrownBy(() -> m.forward(wrongBatch, ws, x, 0, 4)).isInstanceOf(ShapeException.class)
                .hasMessage("MultiheadSelfAttention(8, 2 heads): padding mask is (3, 7), expected (4, 7) = (batch, time steps)");
        Context wrongSteps = Context.training(1).paddingMask(PaddingMask.ofLengths(T + 1, 1, 2, 3, 8));
        assertThatThrownBy(() -> m.forward(wrongSteps, ws, x, 0, 4)).isInstanceOf(ShapeException.class)
                .hasMessageContaining("padding mask is (4, 8), expected (4, 7)").hasMessageNotContaining("\n");
        assertThatThrownBy(() -> PaddingMask.ofLengths(T, 3, 0)).isInstanceOf(ShapeException.class)
                .hasMessage("padding mask: length 0 of sample 1 is outside 1..7");
    }

    @Test
    void aSequenceLongerThanThePositionalTableIsAOneLineErrorNamingTheLayer() {
        assertThatThrownBy(() -> new Sequential(Shape.of(9, 4), new PositionalEmbedding(8, 4)))
                .isInstanceOf(ShapeException.class)
                .hasMessage("layer 0 PositionalEmbedding(8 x 4): PositionalEmbedding(8 x 4): a sequence of 9 steps is longer"
                        + " than the table's 8 positions; the model input is (9,4)");
    }
}
