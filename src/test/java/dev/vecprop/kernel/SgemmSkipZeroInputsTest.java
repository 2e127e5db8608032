package dev.vecprop.kernel;

import dev.vecprop.concurrent.WorkerPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dense layer's GEMMs that leave out multiply-adds by zero inputs ({@link Sgemm#forwardPacked},
 * {@link Sgemm#weightGradient}) against the dense product ({@link Sgemm#sgemm} on the same
 * operands): equal to the bit, at 1 and 2 threads, for shares of zero features on both sides of
 * the threshold, k across K blocks (with a block left empty), and every tile tail. Surefire runs
 * it at vector widths 0, 128, 256 and the machine's widest.
 */
class SgemmSkipZeroInputsTest {
    private static WorkerPool two;

    @BeforeAll
    static void pool() {
        two = new WorkerPool(2);
    }

    @AfterAll
    static void close() {
        two.close();
    }

    /**
     * batch, in, out, share of input features zero in every sample (percent), share of zeros among
     * the other features' values (percent: 85 is MNIST-like, so whole register tiles of four
     * samples or features are zero at many steps), and whether one K block is all zero.
     */
    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        int[][] shapes = {{64, 784, 256}, {64, 784, 10}, {1, 64, 5}, {5, 100, 17}, {13, 300, 33},
                {64, 256, 128}, {7, 1700, 40}, {3, 1700, 16}, {150, 96, 20}};
        for (int[] s : shapes) {
            for (int zeroPct : new int[] {0, 30, 95, 100}) {
                out.add(Arguments.of(s[0], s[1], s[2], zeroPct, 33, false));
                out.add(Arguments.of(s[0], s[1], s[2], zeroPct, 85, false));
            }
            if (s[1] > 800) {
                out.add(Arguments.of(s[0], s[1], s[2], 20, 85, true));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "batch {0} in {1} out {2}: {3}% zero features, {4}% zero values, empty block {5}")
    @MethodSource("cases")
    void forwardEqualsTheDenseProduct(int batch, int in, int out, int zeroPct, int valuePct, boolean emptyBlock) {
        Random rnd = new Random(batch * 31L + in * 7L + out + zeroPct + valuePct);
        float[] x = input(rnd, batch, in, zeroPct, valuePct, emptyBlock);
        float[] w = new float[3 + Panels.size(in, out)];
        float[] wt = randomArray(rnd, in * out);
        Panels.pack(wt, 0, out, false, in, out, w, 3);
        float[] bias = randomArray(rnd, out);
        for (Epilogue ep : new Epilogue[] {Epilogue.NONE, Epilogue.biasRelu(bias, 0)}) {
            float[] dense = new float[2 + batch * out];
            Sgemm.sgemm(batch, out, in, x, 1, in, Layout.ROW_MAJOR, w, 3, Panels.stride(in), Layout.PANELS,
                    0f, dense, 2, out, Layout.ROW_MAJOR, ep, null);
            for (WorkerPool pool : new WorkerPool[] {null, two}) {
                float[] y = new float[2 + batch * out];
                java.util.Arrays.fill(y, Float.NaN); // beta 0: never read
                y[0] = y[1] = 7f;
                Sgemm.forwardPacked(batch, in, out, x, 1, w, 3, y, 2, ep, pool);
                assertSame(dense, y, 2, "forward " + ep.kind + (pool == null ? " 1 thread" : " 2 threads"));
                assertThat(y[0]).isEqualTo(7f);
            }
        }
    }

    @ParameterizedTest(name = "batch {0} in {1} out {2}: {3}% zero features, {4}% zero values, empty block {5}")
    @MethodSource("cases")
    void weightGradientEqualsTheDenseProduct(int batch, int in, int out, int zeroPct, int valuePct,
                                             boolean emptyBlock) {
        Random rnd = new Random(batch * 17L + in * 5L + out + zeroPct + valuePct);
        float[] x = input(rnd, batch, in, zeroPct, valuePct, emptyBlock);
        float[] dy = randomArray(rnd, 1 + batch * out);
        int size = Panels.size(in, out);
        int ld = Panels.stride(in);
        float[] old = randomArray(rnd, 4 + size);
        // accumulate: dW^T += X^T dY over arbitrary gradients
        float[] dense = old.clone();
        Sgemm.sgemm(in, out, batch, x, 1, in, Layout.TRANSPOSED, dy, 1, out, Layout.ROW_MAJOR,
                1f, dense, 4, ld, Layout.PANELS, Epilogue.NONE, null);
        // store over zero gradients
        float[] denseZero = new float[4 + size];
        Sgemm.sgemm(in, out, batch, x, 1, in, Layout.TRANSPOSED, dy, 1, out, Layout.ROW_MAJOR,
                0f, denseZero, 4, ld, Layout.PANELS, Epilogue.NONE, null);
        for (WorkerPool pool : new WorkerPool[] {null, two}) {
            String t = pool == null ? " 1 thread" : " 2 threads";
            float[] acc = old.clone();
            Sgemm.weightGradient(batch, in, out, x, 1, dy, 1, true, acc, 4, pool);
            assertSame(dense, acc, 0, "accumulate" + t);
            float[] zero = new float[4 + size];
            Sgemm.weightGradient(batch, in, out, x, 1, dy, 1, false, zero, 4, pool);
            assertSame(denseZero, zero, 0, "store over zeros" + t);
        }
    }

    /**
     * The skip is live: NaN weights of an all-zero feature do not reach Y (the dense product would
     * spread them), and a weight-gradient tile of four all-zero features is not written over
     * gradients promised to be zero (it holds a marker here).
     */
    @Test
    void zeroFeaturesAreLeftOutOfTheProducts() {
        assumeTrue(Sgemm.SKIP_ZERO_INPUTS, "zero skipping is off in this configuration (scalar path or another tile)");
        int batch = 8, in = 96, out = 20;
        Random rnd = new Random(3);
        float[] x = input(rnd, batch, in, 30, 85, false);
        for (int r = 0; r < batch; r++) {
            for (int c = 40; c < 44; c++) {
                x[1 + r * in + c] = 0f; // features 40..43: one whole register tile of the weight gradient
            }
        }
        float[] w = new float[Panels.size(in, out)];
        Panels.pack(randomArray(rnd, in * out), 0, out, false, in, out, w, 0);
        for (int j = 0; j < out; j++) {
            w[Panels.index(in, 41, j)] = Float.NaN;
        }
        float[] y = new float[batch * out];
        Sgemm.forwardPacked(batch, in, out, x, 1, w, 0, y, 0, Epilogue.NONE, null);
        for (float v : y) {
            assertThat(v).isNotNaN();
        }
        float[] g = new float[Panels.size(in, out)];
        for (int c = 40; c < 44; c++) {
            for (int j = 0; j < out; j++) {
                g[Panels.index(in, c, j)] = 5f;
            }
        }
        Sgemm.weightGradient(batch, in, out, x, 1, randomArray(rnd, batch * out), 0, false, g, 0, null);
        for (int c = 40; c < 44; c++) {
            for (int j = 0; j < out; j++) {
                assertThat(g[Panels.index(in, c, j)]).isEqualTo(5f);
            }
        }
    }

    /** {@code batch x in} at offset 1: a share of the features zero (both signs) in every row, the rest mostly non-zero. */
    private static float[] input(Random rnd, int batch, int in, int zeroPct, int valuePct, boolean emptyBlock) {
        float[] x = new float[1 + batch * in + 2];
        for (int c = 0; c < in; c++) {
            boolean zero = rnd.nextInt(100) < zeroPct || (emptyBlock && c >= 850 && c < 1700);
            for (int r = 0; r < batch; r++) {
                float v;
                if (zero) {
                    v = rnd.nextBoolean() ? 0f : -0f;
                } else {
                    v = rnd.nextInt(100) < valuePct ? (rnd.nextBoolean() ? 0f : -0f) : (float) rnd.nextGaussian();
                }
                x[1 + r * in + c] = v;
            }
        }
        return x;
    }

    private static float[] randomArray(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        return a;
    }

    /** Equal element by element ({@code ==}, so +0 and -0 match; NaN matches NaN), from {@code from} on. */
    private static void assertSame(float[] expected, float[] got, int from, String what) {
        for (int i = from; i < expected.length; i++) {
            float e = expected[i];
            float g = got[i];
            if (!(e == g || (Float.isNaN(e) && Float.isNaN(g)))) {
                throw new AssertionError(what + ": element " + i + " is " + g + ", the dense product gives " + e);
            }
        }
    }
}
