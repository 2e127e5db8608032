package dev.vecprop.layer;

import dev.vecprop.concurrent.WorkerPool;
import dev.vecprop.io.Safetensors;
import dev.vecprop.tensor.Param;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * LSTM and GRU against PyTorch's {@code nn.LSTM} / {@code nn.GRU} (2 layers, input 7, hidden 19,
 * batch 3, 5 steps) on the fixtures docs/rnn_fixtures.py writes: outputs, last states, dL/dx and
 * every parameter gradient within 1e-4, with full-length and packed (variable-length) batches, on
 * 1 and 3 threads.
 */
class RecurrentParityTest {
    private static final double TOL = 1e-4;
    private static final WorkerPool THREE = new WorkerPool(3);

    private static Safetensors.Contents fixture(String name) throws URISyntaxException {
        return Safetensors.read(Path.of(RecurrentParityTest.class.getResource(name + "_fixture.safetensors").toURI()));
    }

    private static float[] t(Safetensors.Contents c, String name) {
        Safetensors.Tensor t = c.tensors().get(name);
        assertTrue(t != null, "fixture tensor " + name);
        return t.data();
    }

    private static void close(String what, float[] expected, float[] actual, int actualOff) {
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[actualOff + i]) / Math.max(1, Math.abs(expected[i])));
        }
        assertTrue(worst <= TOL, what + ": max relative difference " + worst + " > " + TOL);
    }

    @Test
    void lstmMatchesPyTorch() throws Exception {
        check("lstm", seq -> new LSTM(7, 19, 2, seq));
    }

    @Test
    void gruMatchesPyTorch() throws Exception {
        check("gru", seq -> new GRU(7, 19, 2, seq));
    }

    interface Factory {
        Layer make(boolean sequences);
    }

    private void check(String name, Factory f) throws Exception {
        Safetensors.Contents c = fixture(name);
        int B = 3, T = 5, I = 7, H = 19;
        float[] x = t(c, "x");
        float[] rSeq = t(c, "r_seq");
        float[] rLast = t(c, "r_last");
        float[] lensF = t(c, "packed.lengths");
        int[] lens = new int[B];
        for (int b = 0; b < B; b++) {
            lens[b] = (int) lensF[b];
        }
        for (WorkerPool pool : new WorkerPool[]{WorkerPool.serial(), THREE}) {
            for (boolean packed : new boolean[]{false, true}) {
                String p = packed ? "packed." : "";
                String where = name + (packed ? " packed" : "") + " threads " + pool.threads();
                // whole sequence out: dL/dy = r_seq, plus r_last at each sample's last real step
                Sequential m = model(c, () -> f.make(true), T, I);
                Context ctx = new Context(pool, true, 1).paddingMask(packed ? PaddingMask.ofLengths(T, lens) : null);
                Workspace ws = m.workspace(B);
                int yo = m.forward(ctx, ws, x, 0, B);
                close(where + " output", t(c, p + "out"), ws.data(), yo);
                float[] dy = rSeq.clone();
                for (int b = 0; b < B; b++) {
                    int last = (packed ? lens[b] : T) - 1;
                    for (int j = 0; j < H; j++) {
                        dy[(b * T + last) * H + j] += rLast[b * H + j];
                    }
                }
                System.arraycopy(dy, 0, ws.data(), ws.outputGradOffset(), dy.length);
                float[] dx = new float[x.length];
                m.params().zeroGrads();
                m.backward(ctx, ws, x, 0, B, dx, 0);
                close(where + " dx", t(c, p + "dx"), dx, 0);
                for (Param q : m.params().trainable()) {
                    String local = q.name().substring(2);
                    float[] g = new float[q.numel()];
                    for (int i = 0; i < g.length; i++) {
                        g[i] = q.gradAt(i);
                    }
                    close(where + " grad " + local, t(c, p + "grad." + local), g, 0);
                }
                // last state out
                Sequential last = model(c, () -> f.make(false), T, I);
                Workspace wl = last.workspace(B);
                int lo = last.forward(ctx, wl, x, 0, B);
                close(where + " last state", t(c, p + "last"), wl.data(), lo);
            }
        }
    }

    private static Sequential model(Safetensors.Contents c, Supplier<Layer> f, int T, int I) {
        Sequential m = new Sequential(Shape.of(T, I), f.get());
        for (Param q : m.params().trainable()) {
            float[] v = t(c, q.name().substring(2));
            assertEquals(q.numel(), v.length, q.name());
            q.copyFrom(v, 0);
        }
        return m;
    }
}
