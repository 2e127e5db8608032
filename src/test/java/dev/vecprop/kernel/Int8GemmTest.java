package dev.vecprop.kernel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The int8 kernels ({@link Int8Gemm}) against their scalar twins, to the bit, for every row count
 * around the tile heights (1, 6, 12 and the rows left over), panel tails, odd and even inputs, shares
 * of zero inputs, bias or none, ReLU or not; and the twins against a double-precision reference of
 * the dequantized product (so the twins compute the right thing, not only the same thing). The
 * quantizer: rounding half to even, saturation at +-127, non-finite inputs reported. Surefire runs it
 * at vector widths 0, 128, 256 and the machine's widest.
 */
class Int8GemmTest {
    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        int[] ns = {1, 2, 5, 6, 7, 11, 12, 13, 25};
        int[] ins = {1, 2, 3, 7, 16, 33, 128, 257, 300};
        int[] outs = {1, 5, 15, 16, 17, 31, 32, 33, 64, 65, 129, 256};
        int i = 0;
        for (int n : ns) {
            for (int in : ins) {
                for (int o : outs) {
                    if ((i++ % 7) == 0 || (n == 1 && o == 256)) {
                        out.add(Arguments.of(n, in, o, (i % 4) * 30, i % 2 == 0, i % 3 == 0));
                    }
                }
            }
        }
        // the MLP's first layer: 4 K blocks
        out.add(Arguments.of(1, 784, 256, 80, true, true));
        out.add(Arguments.of(13, 784, 33, 50, false, true));
        return out.stream();
    }

    private static byte[] randomWeight(Random rnd, int out, int in, float[] qAsFloat) {
        for (int i = 0; i < qAsFloat.length; i++) {
            qAsFloat[i] = rnd.nextInt(255) - 127;
        }
        return Int8Panels.pack(qAsFloat, 0, out, in);
    }

    @ParameterizedTest(name = "n {0} in {1} out {2}: {3}% zeros, bias {4}, relu {5}")
    @MethodSource("cases")
    void weightOnlyEqualsItsTwinAndTheReference(int n, int in, int out, int zeroPct, boolean withBias, boolean relu) {
        Random rnd = new Random(n * 31L + in * 1009L + out * 17L + zeroPct);
        float[] q = new float[out * in];
        byte[] w = randomWeight(rnd, out, in, q);
        float[] x = new float[3 + n * in];
        for (int k = 3; k < x.length; k++) {
            x[k] = rnd.nextInt(100) < zeroPct ? (rnd.nextBoolean() ? 0f : -0f) : (float) rnd.nextGaussian();
        }
        float[] scale = new float[out];
        float[] bias = withBias ? new float[out] : null;
        for (int j = 0; j < out; j++) {
            scale[j] = (float) (0.001 + rnd.nextDouble() * 0.02);
            if (bias != null) {
                bias[j] = (float) rnd.nextGaussian();
            }
        }
        float[] yv = new float[2 + n * out + 3];
        float[] ys = new float[2 + n * out + 3];
        Arrays.fill(yv, 7f);
        Arrays.fill(ys, 7f);
        Int8Gemm.weightOnly(n, in, out, x, 3, w, scale, bias, relu, yv, 2);
        Int8Gemm.weightOnlyScalar(n, in, out, x, 3, w, scale, bias, relu, ys, 2);
        assertThat(yv).containsExactly(ys);
        assertThat(yv[0]).isEqualTo(7f);
        assertThat(yv[yv.length - 1]).isEqualTo(7f);
        // a batch through the float GEMM on the widened panels, then the epilogue: each row as alone
        float[] wf = new float[1 + Panels.size(in, out)];
        float[] wfs = new float[1 + Panels.size(in, out)];
        Int8Gemm.toFloatPanels(w, out, in, wf, 1);
        Int8Gemm.toFloatPanelsScalar(w, out, in, wfs, 1);
        assertThat(wf).containsExactly(wfs);
        float[] yb = new float[2 + n * out + 3];
        Arrays.fill(yb, 7f);
        Sgemm.forwardPacked(n, in, out, x, 3, wf, 1, yb, 2, Epilogue.NONE, null);
        Int8Gemm.scaleRows(n, out, yb, 2, scale, bias, relu);
        // ... and with the scale and bias in the GEMM's own epilogue (the layer's batch path)
        float[] sb = new float[1 + 2 * out];
        System.arraycopy(scale, 0, sb, 1, out);
        if (bias != null) {
            System.arraycopy(bias, 0, sb, 1 + out, out);
        }
        float[] ye = new float[yb.length];
        Arrays.fill(ye, 7f);
        Sgemm.forwardPacked(n, in, out, x, 3, wf, 1, ye, 2, Epilogue.scaleBias(sb, 1, out, relu), null);
        for (int i = 0; i < yb.length; i++) {
            boolean same = yb[i] == yv[i] || (yb[i] == 0f && yv[i] == 0f);
            boolean sameEp = ye[i] == yv[i] || (ye[i] == 0f && yv[i] == 0f);
            if (!same || !sameEp) {
                assertThat(new float[]{yb[i], ye[i]}).as("element %d", i).containsExactly(yv[i], yv[i]);
            }
        }
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < out; j++) {
                double acc = 0;
                double mag = 0;
                for (int k = 0; k < in; k++) {
                    acc += (double) x[3 + r * in + k] * q[j * in + k];
                    mag += Math.abs((double) x[3 + r * in + k] * q[j * in + k]);
                }
                double ref = acc * scale[j] + (bias == null ? 0 : bias[j]);
                if (relu) {
                    ref = Math.max(ref, 0);
                }
                assertThat((double) ys[2 + r * out + j]).isCloseTo(ref,
                        org.assertj.core.data.Offset.offset(1e-5 * (mag * scale[j] + 1)));
            }
        }
    }

    @ParameterizedTest(name = "n {0} in {1} out {2}: {3}% zeros, bias {4}, relu {5}")
    @MethodSource("cases")
    void int8EqualsItsTwinAndTheExactSum(int n, int in, int out, int zeroPct, boolean withBias, boolean relu) {
        Random rnd = new Random(n * 37L + in * 1013L + out * 19L + zeroPct);
        float[] q = new float[out * in];
        byte[] w = randomWeight(rnd, out, in, q);
        int kp = Int8Panels.rows(in);
        byte[] xq = new byte[5 + n * kp];
        for (int r = 0; r < n; r++) {
            for (int k = 0; k < in; k++) {
                // the extremes often
                int v = rnd.nextInt(100) < zeroPct ? 0 : rnd.nextInt(8) == 0 ? (rnd.nextBoolean() ? 127 : -127)
                        : rnd.nextInt(255) - 127;
                xq[5 + r * kp + k] = (byte) v;
            }
        }
        float[] scale = new float[out];
        float[] bias = withBias ? new float[out] : null;
        for (int j = 0; j < out; j++) {
            scale[j] = (float) (1e-5 + rnd.nextDouble() * 1e-4);
            if (bias != null) {
                bias[j] = (float) rnd.nextGaussian();
            }
        }
        float[] yv = new float[n * out + 1];
        float[] ys = new float[n * out + 1];
        Int8Gemm.int8(n, in, out, xq, 5, w, scale, bias, relu, yv, 1);
        Int8Gemm.int8Scalar(n, in, out, xq, 5, w, scale, bias, relu, ys, 1);
        assertThat(yv).containsExactly(ys);
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < out; j++) {
                long acc = 0;
                for (int k = 0; k < in; k++) {
                    acc += (long) xq[5 + r * kp + k] * (long) q[j * in + k];
                }
                float ref = Math.fma((float) acc, scale[j], bias == null ? 0f : bias[j]);
                assertThat(ys[1 + r * out + j]).isEqualTo(relu ? Math.max(ref, 0f) : ref);
            }
        }
    }

    @Test
    void extremeProductsSumExactly() {
        int in = 1030; // 1030 * 127 * 127 < 2^24: the int32 sum converts to float exactly
        int out = 70;
        float[] q = new float[out * in];
        for (int j = 0; j < out; j++) {
            for (int k = 0; k < in; k++) {
                q[j * in + k] = (j % 2 == 0) ? 127 : -127;
            }
        }
        byte[] w = Int8Panels.pack(q, 0, out, in);
        int kp = Int8Panels.rows(in);
        int n = 14;
        byte[] xq = new byte[n * kp];
        for (int r = 0; r < n; r++) {
            for (int k = 0; k < in; k++) {
                xq[r * kp + k] = (byte) (r % 2 == 0 ? 127 : -127);
            }
        }
        float[] scale = new float[out];
        Arrays.fill(scale, 1f);
        float[] y = new float[n * out];
        Int8Gemm.int8(n, in, out, xq, 0, w, scale, null, false, y, 0);
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < out; j++) {
                float expect = (float) ((long) in * 127 * 127 * ((r + j) % 2 == 0 ? 1 : -1));
                assertThat(y[r * out + j]).as("row %d out %d", r, j).isEqualTo(expect);
            }
        }
    }

    @Test
    void quantizeRoundsHalfToEvenSaturatesAndReportsNonFiniteInputs() {
        float[] x = {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, 126.5f, 127.49f, 127.5f, 1e9f, -1e9f, -127.6f, 3.49f, 0f, -0f,
                7.5f, 8.5f, 9.5f, 10.5f, -2.5f};
        byte[] expect = {0, 2, 2, 0, -2, 126, 127, 127, 127, -127, -127, 3, 0, 0, 8, 8, 10, 10, -2};
        for (int rows = 1; rows <= 3; rows++) {
            float[] xs = new float[rows * x.length];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(x, 0, xs, r * x.length, x.length);
            }
            int kp = Int8Panels.rows(x.length);
            byte[] qv = new byte[rows * kp];
            byte[] qs = new byte[rows * kp];
            Arrays.fill(qv, (byte) 99);
            Arrays.fill(qs, (byte) 99);
            assertThat(Int8Gemm.quantize(rows, x.length, xs, 0, 1f, qv, 0)).isTrue();
            assertThat(Int8Gemm.quantizeScalar(rows, x.length, xs, 0, 1f, qs, 0)).isTrue();
            assertThat(qv).containsExactly(qs);
            for (int r = 0; r < rows; r++) {
                assertThat(Arrays.copyOfRange(qv, r * kp, r * kp + x.length)).containsExactly(expect);
                assertThat(qv[r * kp + x.length]).isZero(); // the pad byte of an odd row
            }
        }
        for (int len : new int[]{3, 16, 17, 33, 100}) {
            for (int bad = 0; bad < len; bad += Math.max(1, len / 5)) {
                for (float v : new float[]{Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                    float[] xs = new float[len];
                    xs[bad] = v;
                    byte[] qv = new byte[Int8Panels.rows(len)];
                    assertThat(Int8Gemm.quantize(1, len, xs, 0, 0.5f, qv, 0)).as("len %d at %d: %s", len, bad, v).isFalse();
                    assertThat(Int8Gemm.quantizeScalar(1, len, xs, 0, 0.5f, qv, 0)).isFalse();
                }
            }
        }
    }

    @Test
    void quantizeToFloatEqualsTheByteQuantizerAndItsTwin() {
        Random rnd = new Random(6);
        for (int count = 0; count < 70; count++) {
            float[] x = new float[3 + count];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (rnd.nextGaussian() * 90);
            }
            float[] v = new float[count + 1];
            float[] s = new float[count + 1];
            byte[] q = new byte[Int8Panels.rows(count) + 1];
            assertThat(Int8Gemm.quantizeToFloat(1, count, x, 3, 1.1f, v, 1)).isTrue();
            assertThat(Int8Gemm.quantizeToFloatScalar(count, x, 3, 1.1f, s, 1)).isTrue();
            Int8Gemm.quantize(1, count, x, 3, 1.1f, q, 0);
            assertThat(v).containsExactly(s);
            for (int i = 0; i < count; i++) {
                assertThat(v[1 + i]).isEqualTo((float) q[i]);
            }
            if (count > 0) {
                x[3 + count / 2] = Float.NaN;
                assertThat(Int8Gemm.quantizeToFloat(1, count, x, 3, 1.1f, v, 1)).isFalse();
            }
        }
    }

    @Test
    void quantizeEqualsItsTwinOnRandomRows() {
        Random rnd = new Random(5);
        for (int in = 1; in < 70; in++) {
            int n = 1 + in % 4;
            float[] x = new float[2 + n * in];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (rnd.nextGaussian() * 60);
            }
            int kp = Int8Panels.rows(in);
            byte[] qv = new byte[3 + n * kp];
            byte[] qs = new byte[3 + n * kp];
            Int8Gemm.quantize(n, in, x, 2, 1.3f, qv, 3);
            Int8Gemm.quantizeScalar(n, in, x, 2, 1.3f, qs, 3);
            assertThat(qv).as("in %d", in).containsExactly(qs);
        }
    }
}
