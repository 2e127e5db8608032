package dev.vecprop.kernel;

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
 * The batch-1 product {@link PanelGemv} against its scalar twin and against the GEMM (the dense
 * {@link Sgemm#sgemm} on the same operands, and a row of a two-row {@link Sgemm#forwardPacked}):
 * equal to the bit (a zero's sign aside) for every panel tail, K across blocks, shares of zero
 * inputs, and each epilogue; nothing outside {@code y[yOff..yOff+out)} is touched. Surefire runs it
 * at vector widths 0, 128, 256 and the machine's widest.
 */
class PanelGemvTest {
    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        int[] ins = {1, 2, 3, 7, 16, 17, 64, 100, 255, 256, 257, 513, 784, 1000};
        int[] outs = {1, 5, 10, 15, 16, 17, 31, 32, 33, 64, 65, 127, 128, 129, 200, 256, 257};
        int i = 0;
        for (int in : ins) {
            for (int o : outs) {
                if ((i++ % 3) == 0 || in == 784 || o == 256) {
                    out.add(Arguments.of(in, o, (i % 4) * 30));
                }
            }
        }
        return out.stream();
    }

    static boolean same(float a, float b) {
        return a == b || (Float.isNaN(a) && Float.isNaN(b));
    }

    @ParameterizedTest(name = "in {0} out {1}: {2}% zero inputs")
    @MethodSource("cases")
    void equalsTheGemmAndTheScalarTwinToTheBit(int in, int out, int zeroPct) {
        Random rnd = new Random(in * 1009L + out * 17L + zeroPct);
        float[] x = new float[3 + 2 * in];
        for (int k = 0; k < 2 * in; k++) {
            int r = rnd.nextInt(100);
            x[3 + k] = r < zeroPct ? (rnd.nextBoolean() ? 0f : -0f) : (float) rnd.nextGaussian();
        }
        float[] wt = new float[in * out];
        for (int k = 0; k < wt.length; k++) {
            wt[k] = (float) rnd.nextGaussian();
        }
        float[] w = new float[5 + Panels.size(in, out)];
        Panels.pack(wt, 0, out, false, in, out, w, 5);
        float[] bias = new float[2 + out];
        for (int j = 0; j < bias.length; j++) {
            bias[j] = (float) rnd.nextGaussian();
        }
        Epilogue[] eps = {Epilogue.NONE, Epilogue.RELU, Epilogue.bias(bias, 2), Epilogue.biasRelu(bias, 2),
                Epilogue.rowBias(bias, 1, true)};
        for (Epilogue ep : eps) {
            float[] gemm = new float[out];
            Sgemm.sgemm(1, out, in, x, 3, in, Layout.ROW_MAJOR, w, 5, Panels.stride(in), Layout.PANELS,
                    0f, gemm, 0, out, Layout.ROW_MAJOR, ep, null);
            float[] two = new float[2 * out];
            Sgemm.sgemm(2, out, in, x, 3, in, Layout.ROW_MAJOR, w, 5, Panels.stride(in), Layout.PANELS,
                    0f, two, 0, out, Layout.ROW_MAJOR, ep.kind == Epilogue.Kind.ROW_BIAS_RELU ? Epilogue.NONE : ep, null);
            for (int variant = 0; variant < 3; variant++) {
                if (variant == 0 && !(dev.vecprop.simd.Simd.ENABLED && Panels.width() == 2 * dev.vecprop.simd.Simd.LANES)) {
                    continue; // no vector kernel for this register file
                }
                float[] y = new float[4 + out + 3];
                Arrays.fill(y, Float.NaN); // written, never read
                y[0] = y[1] = y[2] = y[3] = 7f;
                y[4 + out] = y[5 + out] = y[6 + out] = 9f;
                switch (variant) {
                    case 0 -> PanelGemvVector.run(in, out, x, 3, w, 5, y, 4, ep);
                    case 1 -> PanelGemv.scalar(in, out, x, 3, w, 5, y, 4, ep);
                    default -> Sgemm.forwardPacked(1, in, out, x, 3, w, 5, y, 4, ep, null);
                }
                for (int j = 0; j < out; j++) {
                    assertThat(same(y[4 + j], gemm[j]))
                            .as("variant %d %s y[%d] = %s, GEMM %s", variant, ep.kind, j, y[4 + j], gemm[j]).isTrue();
                    if (ep.kind != Epilogue.Kind.ROW_BIAS_RELU) {
                        assertThat(same(y[4 + j], two[j])).as("row 0 of a 2-row GEMM, y[%d]", j).isTrue();
                    }
                }
                assertThat(new float[] {y[0], y[1], y[2], y[3]}).containsOnly(7f);
                assertThat(new float[] {y[4 + out], y[5 + out], y[6 + out]}).containsOnly(9f);
            }
        }
    }
}
