package dev.vecprop.quant;

import dev.vecprop.concurrent.WorkerPool;
import dev.vecprop.data.ArrayDataSource;
import dev.vecprop.data.Normalization;
import dev.vecprop.internal.ContextAccess;
import dev.vecprop.io.CheckpointException;
import dev.vecprop.io.Safetensors;
import dev.vecprop.layer.BatchNorm2d;
import dev.vecprop.layer.Context;
import dev.vecprop.layer.Conv2d;
import dev.vecprop.layer.Dropout;
import dev.vecprop.layer.Flatten;
import dev.vecprop.layer.Layer;
import dev.vecprop.layer.Linear;
import dev.vecprop.layer.MaxPool2d;
import dev.vecprop.layer.QuantizedConv2d;
import dev.vecprop.layer.QuantizedLinear;
import dev.vecprop.layer.ReLU;
import dev.vecprop.layer.Residual;
import dev.vecprop.layer.Sequential;
import dev.vecprop.layer.Shape;
import dev.vecprop.layer.Workspace;
import dev.vecprop.train.Checkpoint;
import dev.vecprop.train.InferenceSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Post-training quantization end to end: the quantized model tracks the float one (weight-only and
 * int8 activations), batch norm is folded, ReLU fused, dropout dropped; a batch gives each row what
 * the row gives alone, for any thread count; checkpoints of I8 tensors and F32 scales round-trip and
 * are at most 30% of the float file; dequantizing gives the float model back; every malformed
 * quantized file is refused naming the tensor.
 */
class QuantizerTest {
    @TempDir
    Path dir;

    private static Sequential mlp() {
        Sequential m = new Sequential(Shape.of(64), new Linear(64, 48), new ReLU(), new Dropout(0.2),
                new Linear(48, 33), new ReLU(), new Linear(33, 10));
        m.initialize(3);
        return m;
    }

    private static float[] inputs(int n, int size, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n * size];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextInt(3) == 0 ? 0f : (float) r.nextGaussian();
        }
        return x;
    }

    private static float[] forward(Sequential m, float[] x, int n) {
        return forward(m, x, n, Context.inference());
    }

    private static float[] forward(Sequential m, float[] x, int n, Context ctx) {
        Workspace ws = m.workspace(n);
        int yo = m.forward(ctx, ws, x, 0, n);
        int out = m.outputShape().size();
        float[] y = new float[n * out];
        System.arraycopy(ws.data(), yo, y, 0, y.length);
        return y;
    }

    private static void assertClose(float[] q, float[] f, double relTol) {
        double maxAbs = 0;
        double maxDiff = 0;
        for (int i = 0; i < f.length; i++) {
            maxAbs = Math.max(maxAbs, Math.abs(f[i]));
            maxDiff = Math.max(maxDiff, Math.abs(q[i] - f[i]));
        }
        assertThat(maxDiff).as("largest difference vs the float model (largest |output| %s)", maxAbs)
                .isLessThan(relTol * maxAbs);
    }

    @Test
    void weightOnlyTracksTheFloatModelAndFusesAndDrops() {
        Sequential f = mlp();
        Sequential q = Quantizer.options().quantize(f);
        assertThat(q.layers()).hasSize(3);
        assertThat(q.layers().get(0)).isInstanceOf(QuantizedLinear.class);
        assertThat(((QuantizedLinear) q.layers().get(0)).relu()).isTrue();
        assertThat(((QuantizedLinear) q.layers().get(2)).relu()).isFalse();
        float[] x = inputs(40, 64, 1);
        assertClose(forward(q, x, 40), forward(f, x, 40), 0.02);
    }

    @Test
    void int8ActivationsTrackTheFloatModelWithEitherCalibration() {
        Sequential f = mlp();
        float[] calib = inputs(300, 64, 2);
        ArrayDataSource data = ArrayDataSource.labeled(calib, Shape.of(64), new int[300], 10);
        float[] x = inputs(40, 64, 3);
        float[] ref = forward(f, x, 40);
        for (Calibration c : Calibration.values()) {
            Sequential q = Quantizer.options().activations(QuantizedLinear.Activations.INT8).calibration(c)
                    .calibrationSamples(200).quantize(f, data, Normalization.NONE);
            assertThat(((QuantizedLinear) q.layers().get(1)).activations()).isEqualTo(QuantizedLinear.Activations.INT8);
            assertThat(q.params().get("0.input_scale").get(0)).isPositive();
            assertClose(forward(q, x, 40), ref, 0.05);
        }
        assertThatThrownBy(() -> Quantizer.options().activations(QuantizedLinear.Activations.INT8).quantize(f))
                .hasMessageContaining("need calibration samples");
    }

    @Test
    void batchNormIsFoldedIntoTheConvolutionAndResidualBranchesAreQuantized() {
        Sequential f = new Sequential(Shape.of(2, 9, 9), new Conv2d(2, 6, 3, 1, 1), new BatchNorm2d(6), new ReLU(),
                new Residual(new Conv2d(6, 6, 3, 1, 1), new ReLU()), new MaxPool2d(2), new Flatten(), new Linear(6 * 4 * 4, 5));
        f.initialize(7);
        Random r = new Random(9);
        for (String t : new String[]{"1.weight", "1.bias", "1.running_mean"}) {
            for (int i = 0; i < 6; i++) {
                f.params().get(t).set(i, (float) r.nextGaussian());
            }
        }
        for (int i = 0; i < 6; i++) {
            f.params().get("1.running_var").set(i, 0.2f + r.nextFloat());
        }
        Sequential q = Quantizer.options().quantize(f);
        List<Layer> ls = q.layers();
        assertThat(ls.get(0)).isInstanceOf(QuantizedConv2d.class);
        assertThat(ls.get(0).describe()).contains("relu");
        assertThat(ls).noneMatch(l -> l instanceof BatchNorm2d);
        assertThat(((Residual) ls.get(1)).layers().get(0)).isInstanceOf(QuantizedConv2d.class);
        float[] x = inputs(5, 2 * 81, 4);
        assertClose(forward(q, x, 5), forward(f, x, 5), 0.03);
        Sequential back = Quantizer.dequantize(q);
        assertThat(back.layers().get(0)).isInstanceOf(Conv2d.class);
        assertClose(forward(back, x, 5), forward(q, x, 5), 1e-5);
    }

    @Test
    void aTransformerQuantizesItsSequenceLinearsAndCarriesTheBlocksOver() {
        Sequential f = dev.vecprop.train.ModelSpec.parse("transformer", "relu", 0, false).build();
        f.initialize(5);
        Sequential q = Quantizer.options().quantize(f);
        assertThat(q.layers().get(0)).isInstanceOf(QuantizedLinear.class);
        float[] x = inputs(3, f.inputShape().size(), 12);
        assertClose(forward(q, x, 3), forward(f, x, 3), 0.03);
    }

    @Test
    void aBatchGivesEachRowWhatItGetsAloneForAnyThreadCount() {
        Sequential q = Quantizer.options().quantize(mlp());
        int n = 37; // > QuantizedLinear.ROWS_MAX: the float GEMM on widened panels
        float[] x = inputs(n, 64, 5);
        float[] batch = forward(q, x, n);
        float[] two;
        try (WorkerPool pool = new WorkerPool(2)) {
            two = forward(q, x, n, ContextAccess.create(pool, false, 0));
        }
        assertThat(two).containsExactly(batch);
        for (int i = 0; i < n; i++) {
            float[] one = forward(q, java.util.Arrays.copyOfRange(x, i * 64, (i + 1) * 64), 1);
            for (int j = 0; j < 10; j++) {
                assertThat(one[j] == batch[i * 10 + j] || (one[j] == 0f && batch[i * 10 + j] == 0f))
                        .as("row %d output %d: %s alone, %s in the batch", i, j, one[j], batch[i * 10 + j]).isTrue();
            }
        }
    }

    @Test
    void checkpointsRoundTripServeDirectlyAndAreAQuarterOfTheFloatFile() throws Exception {
        Sequential f = mlp();
        Sequential q = Quantizer.options().quantize(f);
        Path ff = dir.resolve("f.safetensors");
        Path qf = dir.resolve("q.safetensors");
        Checkpoint.save(qf, q);
        // the size on the tutorial's MLP (on a model this small the header is a good part of the file)
        Sequential big = new Sequential(Shape.of(784), new Linear(784, 256), new ReLU(), new Linear(256, 128), new ReLU(),
                new Linear(128, 10));
        Checkpoint.save(ff, big);
        Path bq = dir.resolve("bq.safetensors");
        Checkpoint.save(bq, Quantizer.options().quantize(big));
        assertThat(Files.size(bq)).isLessThanOrEqualTo(Files.size(ff) * 3 / 10);
        Safetensors.Contents c = Safetensors.read(qf);
        assertThat(c.tensors().get("0.weight").dtype()).isEqualTo("I8");
        assertThat(c.tensors().get("0.weight_scale").dtype()).isEqualTo("F32");
        InferenceSession s = InferenceSession.load(qf);
        float[] x = inputs(20, 64, 6);
        float[] mem = forward(q, x, 20);
        float[] p = new float[10];
        for (int i = 0; i < 20; i++) {
            int best = 0;
            for (int j = 1; j < 10; j++) {
                best = mem[i * 10 + j] > mem[i * 10 + best] ? j : best;
            }
            assertThat(s.predict(x, i * 64)).isEqualTo(best);
            s.probabilities(x, i * 64, p, 0);
        }
        Sequential loaded = Checkpoint.load(qf).model();
        assertThat(forward(loaded, x, 20)).containsExactly(mem);
        // back to float: a float checkpoint again, within rounding of the quantized outputs
        Sequential back = Quantizer.dequantize(loaded);
        assertThat(back.layers().get(0)).isInstanceOf(Linear.class);
        assertThat(back.layers().get(1)).isInstanceOf(ReLU.class);
        assertClose(forward(back, x, 20), mem, 1e-5);
    }

    @Test
    void quantizedLayersRefuseToTrain() {
        Sequential q = Quantizer.options().quantize(mlp());
        Workspace ws = q.workspace(2);
        float[] x = inputs(2, 64, 8);
        q.forward(Context.training(1), ws, x, 0, 2);
        assertThatThrownBy(() -> q.backward(Context.training(1), ws, x, 0, 2, null, 0))
                .hasMessageContaining("inference-only").hasMessageContaining("dequantize");
        assertThatThrownBy(() -> Quantizer.options().quantize(q)).hasMessageContaining("already quantized");
    }

    @Test
    void int8ActivationsRefuseNonFiniteInputs() {
        Sequential f = mlp();
        ArrayDataSource data = ArrayDataSource.labeled(inputs(50, 64, 2), Shape.of(64), new int[50], 10);
        Sequential q = Quantizer.options().activations(QuantizedLinear.Activations.INT8).quantize(f, data, Normalization.NONE);
        float[] x = inputs(3, 64, 1);
        x[70] = Float.NaN;
        assertThatThrownBy(() -> forward(q, x, 3)).hasMessageContaining("QuantizedLinear(64->48")
                .hasMessageContaining("NaN or infinite");
    }

    private Path rewritten(Path src, String name, java.util.function.UnaryOperator<Map<String, Safetensors.Tensor>> edit,
                           boolean keepStructure) {
        Safetensors.Contents c = Safetensors.read(src);
        Map<String, Safetensors.Tensor> t = edit.apply(new LinkedHashMap<>(c.tensors()));
        Map<String, String> meta = new LinkedHashMap<>(c.metadata());
        if (!keepStructure) {
            meta.remove("vecprop.model");
        }
        Path p = dir.resolve(name + ".safetensors");
        Safetensors.write(p, t, meta);
        return p;
    }

    private static Safetensors.Tensor with(Safetensors.Tensor t, int i, float v) {
        float[] d = t.data().clone();
        d[i] = v;
        return new Safetensors.Tensor(t.dtype(), t.shape(), d);
    }

    @Test
    void malformedQuantizedFilesAreRefusedNamingTheTensor() {
        Sequential q = Quantizer.options().quantize(mlp());
        Path qf = dir.resolve("q.safetensors");
        Checkpoint.save(qf, q);
        Path missing = rewritten(qf, "missing", t -> {
            t.remove("3.weight_scale".replace("3", "1"));
            return t;
        }, true);
        assertThatThrownBy(() -> Checkpoint.load(missing)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("missing tensor 1.weight_scale");
        Path zero = rewritten(qf, "zero", t -> {
            t.put("1.weight_scale", with(t.get("1.weight_scale"), 4, 0f));
            return t;
        }, true);
        assertThatThrownBy(() -> InferenceSession.load(zero)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("tensor 1.weight_scale element 4 is 0.0, expected a positive finite scale");
        Path nan = rewritten(qf, "nan", t -> {
            t.put("2.weight_scale", with(t.get("2.weight_scale"), 0, Float.NaN));
            return t;
        }, true);
        assertThatThrownBy(() -> Checkpoint.load(nan)).hasMessageContaining("tensor 2.weight_scale");
        Path shape = rewritten(qf, "shape", t -> {
            Safetensors.Tensor s = t.get("0.weight_scale");
            t.put("0.weight_scale", new Safetensors.Tensor("F32", new long[]{47}, java.util.Arrays.copyOf(s.data(), 47)));
            return t;
        }, true);
        assertThatThrownBy(() -> Checkpoint.load(shape)).hasMessageContaining("tensor 0.weight_scale has shape [47]")
                .hasMessageContaining("expects [48]");
        Path range = rewritten(qf, "range", t -> {
            t.put("0.weight", with(t.get("0.weight"), 5, -128f));
            return t;
        }, true);
        assertThatThrownBy(() -> Checkpoint.load(range))
                .hasMessageContaining("tensor 0.weight element 5 is -128.0, expected an int8 value in -127..127");
        Path floatWeight = rewritten(qf, "floatweight", t -> {
            Safetensors.Tensor w = t.get("0.weight");
            t.put("0.weight", new Safetensors.Tensor("F32", w.shape(), w.data()));
            return t;
        }, true);
        assertThatThrownBy(() -> Checkpoint.load(floatWeight)).hasMessageContaining("tensor 0.weight is F32")
                .hasMessageContaining("expects I8");
        // an int8 file where a float one is required
        Sequential floatModel = mlp();
        assertThatThrownBy(() -> Checkpoint.loadWeights(qf, floatModel)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("different model");
        Path bare = rewritten(qf, "bare", t -> {
            Map<String, Safetensors.Tensor> m = new LinkedHashMap<>();
            m.put("0.weight", t.get("0.weight"));
            m.put("0.bias", t.get("0.bias"));
            return m;
        }, false);
        Sequential one = new Sequential(Shape.of(64), new Linear(64, 48));
        assertThatThrownBy(() -> Checkpoint.loadWeights(bare, one))
                .hasMessageContaining("tensor 0.weight is I8, the model expects floating-point values");
    }

    /** A warm quantized session allocates nothing per request: batch 1 (int8 rows), batch 64 (widened GEMM), int8 activations. */
    @Test
    @org.junit.jupiter.api.Tag("allocation")
    void quantizedRequestsAllocateNothingOnceWarm() {
        Sequential f = new Sequential(Shape.of(784), new Linear(784, 256), new ReLU(), new Linear(256, 128), new ReLU(),
                new Linear(128, 10));
        float[] x = inputs(64, 784, 11);
        ArrayDataSource data = ArrayDataSource.labeled(x, Shape.of(784), new int[64], 10);
        for (QuantizedLinear.Activations a : QuantizedLinear.Activations.values()) {
            Sequential q = Quantizer.options().activations(a).quantize(f, data, Normalization.NONE);
            InferenceSession s = new InferenceSession(q, 64, Normalization.NONE);
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
                requests.run();
            }
            com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            long before = mx.getCurrentThreadAllocatedBytes();
            int rounds = 200;
            for (int i = 0; i < rounds; i++) {
                requests.run();
            }
            long perRound = (mx.getCurrentThreadAllocatedBytes() - before) / rounds;
            assertThat(perRound).as("%s: bytes allocated per 129 requests", a).isLessThan(256);
        }
    }
}
