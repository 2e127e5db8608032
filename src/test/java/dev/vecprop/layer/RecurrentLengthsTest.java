package dev.vecprop.layer;

import dev.vecprop.concurrent.WorkerPool;
import dev.vecprop.loss.SoftmaxCrossEntropy;
import dev.vecprop.loss.Targets;
import dev.vecprop.tensor.Param;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Variable-length batches: whatever the padding holds, the loss and every gradient are the same bit
 * for bit, and equal (to rounding) those of each sample run alone at its own length; bad lengths
 * and shapes are one-line errors naming the layer; results are bit-identical for 1 and 3 threads.
 */
class RecurrentLengthsTest {
    private static final WorkerPool THREE = new WorkerPool(3);
    private static final int T = 6;
    private static final int I = 5;
    private static final int[] LENS = {6, 2, 4, 1};

    private record Run(double loss, float[] y, float[] dx, float[] grads) {}

    private static Sequential model(int steps, boolean lstm, boolean sequences) {
        Layer rnn = lstm ? new LSTM(I, 17, 2, sequences) : new GRU(I, 17, 2, sequences);
        Sequential m = sequences ? new Sequential(Shape.of(steps, I), rnn)
                : new Sequential(Shape.of(steps, I), rnn, new Linear(17, 3));
        m.initialize(11);
        return m;
    }

    /** Last state -> Linear -> cross-entropy; the loss of the batch and all gradients. */
    private static Run run(Sequential m, WorkerPool pool, float[] x, int batch, int[] lens, int[] labels) {
        Context ctx = new Context(pool, true, 1)
                .paddingMask(lens == null ? null : PaddingMask.ofLengths(m.inputShape().dim(0), lens));
        Workspace ws = m.workspace(batch);
        int yo = m.forward(ctx, ws, x, 0, batch);
        float[] y = Arrays.copyOfRange(ws.data(), yo, yo + batch * m.outputShape().size());
        double loss = new SoftmaxCrossEntropy().compute(ws.data(), yo, batch, 3, Targets.labels(labels, 0), ws.data(),
                ws.outputGradOffset());
        m.params().zeroGrads();
        float[] dx = new float[x.length];
        m.backward(ctx, ws, x, 0, batch, dx, 0);
        return new Run(loss, y, dx, m.params().grads().clone());
    }

    private static float[] batch(Random r, int batch) {
        float[] x = new float[batch * T * I];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    /** Overwrites the padded steps with other values. */
    private static void scramble(float[] x, int[] lens, Random r, float scale) {
        for (int b = 0; b < lens.length; b++) {
            for (int i = lens[b] * I; i < T * I; i++) {
                x[b * T * I + i] = (float) (r.nextGaussian() * scale);
            }
        }
    }

    @Test
    void paddingChangesNeitherLossNorGradients() {
        for (boolean lstm : new boolean[]{true, false}) {
            Random r = new Random(5);
            int B = LENS.length;
            float[] x = batch(r, B);
            int[] labels = {0, 2, 1, 2};
            Sequential m = model(T, lstm, false);
            Run base = run(m, WorkerPool.serial(), x, B, LENS, labels);
            for (float scale : new float[]{0f, 1f, 100f}) {
                float[] x2 = x.clone();
                scramble(x2, LENS, r, scale);
                for (WorkerPool pool : new WorkerPool[]{WorkerPool.serial(), THREE}) {
                    Run other = run(m, pool, x2, B, LENS, labels);
                    String what = (lstm ? "LSTM" : "GRU") + " padding x" + scale + ", threads " + pool.threads();
                    assertEquals(base.loss, other.loss, 0, what + " loss");
                    assertArrayEquals(base.grads, other.grads, what + " parameter gradients");
                    assertArrayEquals(base.dx, other.dx, what + " input gradient");
                }
            }
            for (int b = 0; b < B; b++) { // no gradient reaches a padded step
                for (int i = LENS[b] * I; i < T * I; i++) {
                    assertEquals(0f, base.dx[b * T * I + i], "dx of a padded step");
                }
            }
            // each sample alone, at its own length, with the same weights: the same loss and gradients
            double sum = 0;
            float[] gsum = new float[base.grads.length];
            for (int b = 0; b < B; b++) {
                Sequential alone = model(LENS[b], lstm, false);
                copyParams(m, alone);
                float[] xb = Arrays.copyOfRange(x, b * T * I, b * T * I + LENS[b] * I);
                Run one = run(alone, WorkerPool.serial(), xb, 1, null, new int[]{labels[b]});
                sum += one.loss;
                for (int i = 0; i < gsum.length; i++) {
                    gsum[i] += one.grads[i];
                }
                for (int i = 0; i < LENS[b] * I; i++) {
                    assertEquals(one.dx[i], base.dx[b * T * I + i] * B, 1e-5, "dx of sample " + b + " alone");
                }
            }
            assertEquals(sum / B, base.loss, 1e-6, "loss = mean of the samples run alone");
            for (int i = 0; i < gsum.length; i++) {
                assertEquals(gsum[i] / B, base.grads[i], 1e-5, "gradient element " + i);
            }
        }
    }

    @Test
    void sequenceOutputIsZeroOnPaddingAndItsGradientIgnored() {
        for (boolean lstm : new boolean[]{true, false}) {
            Random r = new Random(9);
            int B = LENS.length;
            int H = 17;
            float[] x = batch(r, B);
            Sequential m = model(T, lstm, true);
            Context ctx = new Context(WorkerPool.serial(), true, 1).paddingMask(PaddingMask.ofLengths(T, LENS));
            Workspace ws = m.workspace(B);
            float[][] grads = new float[2][];
            float[][] dxs = new float[2][];
            for (int k = 0; k < 2; k++) {
                int yo = m.forward(ctx, ws, x, 0, B);
                for (int b = 0; b < B; b++) {
                    for (int i = LENS[b] * H; i < T * H; i++) {
                        assertEquals(0f, ws.data()[yo + b * T * H + i], "output at a padded step");
                    }
                }
                Random g = new Random(1);
                for (int b = 0; b < B; b++) {
                    for (int i = 0; i < T * H; i++) {
                        boolean pad = i >= LENS[b] * H;
                        float v = (float) g.nextGaussian();
                        ws.data()[ws.outputGradOffset() + b * T * H + i] = pad && k == 1 ? 1e3f * v : v;
                    }
                }
                m.params().zeroGrads();
                dxs[k] = new float[x.length];
                m.backward(ctx, ws, x, 0, B, dxs[k], 0);
                grads[k] = m.params().grads().clone();
            }
            assertArrayEquals(grads[0], grads[1], "gradients ignore dL/dy at padded steps");
            assertArrayEquals(dxs[0], dxs[1], "dx ignores dL/dy at padded steps");
        }
    }

    @Test
    void badLengthsAndShapesAreOneLineErrorsNamingTheLayer() {
        Sequential m = model(T, true, false);
        Workspace ws = m.workspace(4);
        float[] x = new float[4 * T * I];
        ShapeException few = assertThrows(ShapeException.class, () -> m.forward(
                new Context(null, true, 1).paddingMask(PaddingMask.ofLengths(T, 3, 3)), ws, x, 0, 4));
        assertEquals("LSTM(5->17, layers 2, last state): padding mask is (2, 6), expected (4, 6) = (batch, time steps)",
                few.getMessage());
        ShapeException longer = assertThrows(ShapeException.class, () -> PaddingMask.ofLengths(T, 3, 7, 1, 1));
        assertTrue(longer.getMessage().contains("length 7 of sample 1 is outside 1..6"), longer.getMessage());
        boolean[] front = new boolean[4 * T];
        front[T] = true; // sample 1 padded at its first step
        ShapeException notAtEnd = assertThrows(ShapeException.class, () -> m.forward(
                new Context(null, true, 1).paddingMask(PaddingMask.of(front, 4, T)), ws, x, 0, 4));
        assertEquals("LSTM(5->17, layers 2, last state): sample 1 of the padding mask is not padded at its end;"
                + " a recurrent layer needs each sequence's valid steps first (PaddingMask.ofLengths)", notAtEnd.getMessage());
        boolean[] empty = new boolean[4 * T];
        java.util.Arrays.fill(empty, 0, T, true); // sample 0 all padding
        ShapeException none = assertThrows(ShapeException.class, () -> m.forward(
                new Context(null, true, 1).paddingMask(PaddingMask.of(empty, 4, T)), ws, x, 0, 4));
        assertTrue(none.getMessage().contains("sample 0 of the padding mask has no valid step"), none.getMessage());
        ShapeException shape = assertThrows(ShapeException.class, () -> new Sequential(Shape.of(28 * 28), new GRU(28, 8)));
        assertTrue(shape.getMessage().contains("GRU(28->8, last state) expects sequences (T, 28) (time steps, features), got (784)"),
                shape.getMessage());
        Sequential emb = new Sequential(Shape.of(3), new Embedding(4, 2));
        Workspace we = emb.workspace(2);
        InvalidInputException bad = assertThrows(InvalidInputException.class,
                () -> emb.forward(Context.inference(), we, new float[]{0, 1, 2, 3, 4, 0}, 0, 2));
        assertEquals("Embedding(4, 2): token id 4.0 at sample 1, step 1 is not a whole number in 0..3", bad.getMessage());
        assertThrows(InvalidInputException.class,
                () -> emb.forward(Context.inference(), we, new float[]{0, 1.5f, 2, 3, 0, 0}, 0, 2));
        assertThrows(InvalidInputException.class,
                () -> emb.forward(Context.inference(), we, new float[]{0, -1, 2, 3, 0, 0}, 0, 2));
    }

    @Test
    void anyThreadCountGivesTheSameBits() {
        for (boolean lstm : new boolean[]{true, false}) {
            Random r = new Random(2);
            int B = 37; // several grains per worker, uneven split
            float[] x = new float[B * T * I];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextGaussian();
            }
            int[] labels = new int[B];
            for (int b = 0; b < B; b++) {
                labels[b] = r.nextInt(3);
            }
            Supplier<Sequential> f = () -> {
                Sequential m = new Sequential(Shape.of(T, I), lstm ? new LSTM(I, 130, 2, false) : new GRU(I, 130, 2, false),
                        new Linear(130, 3));
                m.initialize(3);
                return m;
            };
            Sequential probe = f.get();
            Run one = run(probe, WorkerPool.serial(), x, B, null, labels);
            Run three = run(f.get(), THREE, x, B, null, labels);
            assertArrayEquals(one.y, three.y);
            assertArrayEquals(one.dx, three.dx);
            assertArrayEquals(one.grads, three.grads);
        }
    }

    private static void copyParams(Sequential from, Sequential to) {
        for (Param p : from.params().trainable()) {
            to.params().get(p.name()).copyFrom(p.toArray(), 0);
        }
    }
}
