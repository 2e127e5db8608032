package dev.vecprop.kernel;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A quantized dense layer's compute, the three ways side by side on the MNIST MLP's shapes:
 * {@code fp32} the float layer ({@link Sgemm#forwardPacked}: batch 1 through {@link PanelGemv});
 * {@code weightOnly} what {@code QuantizedLinear} runs with float activations (up to 8 rows
 * {@link Int8Gemm#weightOnly}, beyond: {@link Int8Gemm#toFloatPanels} + the float GEMM + {@link Int8Gemm#scaleRows});
 * {@code int8} int8 activations ({@link Int8Gemm#quantize} + {@link Int8Gemm#int8}: bytes widened
 * to int32 and multiply-added). {@code zeros}: share of zero inputs in percent (80 is a blank-pixel MNIST image).
 * The numbers choose the default (docs/QUANTIZATION.md); run at {@code -Dvecprop.vectorBits=256} too.
 *
 * <pre>./vecprop jmh Int8GemmBench</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
public class Int8GemmBench {
    @State(Scope.Thread)
    public static class Operands {
        @Param({"784x256", "256x128", "128x10"})
        public String shape;
        @Param({"1", "64", "1000"})
        public int batch;
        @Param({"80", "0"})
        public int zeros;
        int in;
        int out;
        float[] x;
        float[] wf;
        byte[] wq;
        float[] widened;
        byte[] xq;
        float[] scale;
        float[] bias;
        float[] y;

        @Setup
        public void setup() {
            String[] p = shape.split("x");
            in = Integer.parseInt(p[0]);
            out = Integer.parseInt(p[1]);
            Random r = new Random(1);
            x = new float[batch * in];
            for (int i = 0; i < x.length; i++) {
                x[i] = r.nextInt(100) < zeros ? 0f : r.nextFloat();
            }
            float[] q = new float[out * in];
            float[] wt = new float[in * out];
            for (int j = 0; j < out; j++) {
                for (int k = 0; k < in; k++) {
                    q[j * in + k] = r.nextInt(255) - 127;
                    wt[k * out + j] = q[j * in + k] * 0.01f;
                }
            }
            wq = Int8Panels.pack(q, 0, out, in);
            wf = new float[Panels.size(in, out)];
            Panels.pack(wt, 0, out, false, in, out, wf, 0);
            widened = new float[Panels.size(in, out)];
            xq = new byte[batch * Int8Panels.rows(in)];
            scale = new float[out];
            Arrays.fill(scale, 0.01f);
            bias = new float[out];
            Arrays.fill(bias, 0.1f);
            y = new float[batch * out];
        }
    }

    @Benchmark
    public float fp32(Operands o) {
        Sgemm.forwardPacked(o.batch, o.in, o.out, o.x, 0, o.wf, 0, o.y, 0, Epilogue.biasRelu(o.bias, 0), null);
        return o.y[0];
    }

    @Benchmark
    public float weightOnly(Operands o) {
        if (o.batch <= 8) {
            Int8Gemm.weightOnly(o.batch, o.in, o.out, o.x, 0, o.wq, o.scale, o.bias, true, o.y, 0);
        } else {
            Int8Gemm.toFloatPanels(o.wq, o.out, o.in, o.widened, 0);
            Sgemm.forwardPacked(o.batch, o.in, o.out, o.x, 0, o.widened, 0, o.y, 0, Epilogue.NONE, null);
            Int8Gemm.scaleRows(o.batch, o.out, o.y, 0, o.scale, o.bias, true);
        }
        return o.y[0];
    }

    @Benchmark
    public float int8(Operands o) {
        Int8Gemm.quantize(o.batch, o.in, o.x, 0, 127f, o.xq, 0);
        Int8Gemm.int8(o.batch, o.in, o.out, o.xq, 0, o.wq, o.scale, o.bias, true, o.y, 0);
        return o.y[0];
    }
}
