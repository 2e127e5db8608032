package dev.vecprop.apitest;

import dev.vecprop.VecpropException;
import dev.vecprop.data.ArrayDataSource;
import dev.vecprop.data.DataSource;
import dev.vecprop.data.Normalization;
import dev.vecprop.layer.AvgPool2d;
import dev.vecprop.layer.BatchNorm1d;
import dev.vecprop.layer.BatchNorm2d;
import dev.vecprop.layer.Context;
import dev.vecprop.layer.Conv2d;
import dev.vecprop.layer.Dropout;
import dev.vecprop.layer.Flatten;
import dev.vecprop.layer.LayerConfig;
import dev.vecprop.layer.LayerRegistry;
import dev.vecprop.layer.LeakyReLU;
import dev.vecprop.layer.Linear;
import dev.vecprop.layer.MaxPool2d;
import dev.vecprop.layer.ReLU;
import dev.vecprop.layer.Sequential;
import dev.vecprop.layer.Shape;
import dev.vecprop.layer.Workspace;
import dev.vecprop.loss.BCE;
import dev.vecprop.loss.BCEWithLogits;
import dev.vecprop.loss.Loss;
import dev.vecprop.loss.MSELoss;
import dev.vecprop.loss.NLLLoss;
import dev.vecprop.loss.SoftmaxCrossEntropy;
import dev.vecprop.loss.Targets;
import dev.vecprop.optim.Adam;
import dev.vecprop.optim.LrSchedule;
import dev.vecprop.optim.SGD;
import dev.vecprop.train.Checkpoint;
import dev.vecprop.train.Evaluator;
import dev.vecprop.train.InferenceSession;
import dev.vecprop.train.Trainer;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * A property test over the public API's entry points: random shapes and sizes, nulls, NaN/Inf,
 * short or oversized arrays, offsets, zero and huge batch sizes. Every call either returns or throws
 * a {@link VecpropException} with a one-line message; never an ArrayIndexOutOfBounds,
 * NegativeArraySize, NullPointer, ClassCast or other exception from inside.
 */
class ApiRobustnessTest {
    static final int ROUNDS = 300;
    final SplittableRandom rnd = new SplittableRandom(20261203);
    int returned;
    int rejected;

    int anInt() {
        return switch (rnd.nextInt(8)) {
            case 0 -> 0;
            case 1 -> -1 - rnd.nextInt(5);
            case 2 -> Integer.MAX_VALUE - rnd.nextInt(3);
            case 3 -> Integer.MIN_VALUE;
            case 4 -> 1 << (10 + rnd.nextInt(12));
            default -> 1 + rnd.nextInt(9);
        };
    }

    int small() {
        return rnd.nextInt(10) == 0 ? anInt() : 1 + rnd.nextInt(6);
    }

    double aDouble() {
        return switch (rnd.nextInt(8)) {
            case 0 -> Double.NaN;
            case 1 -> Double.POSITIVE_INFINITY;
            case 2 -> -rnd.nextDouble() * 10;
            case 3 -> 0;
            case 4 -> 1e300;
            default -> rnd.nextDouble();
        };
    }

    float[] anArray(int wanted) {
        int k = rnd.nextInt(8);
        if (k == 0) {
            return null;
        }
        long w = Math.max(0, Math.min(wanted, 1 << 20));
        int n = (int) (k == 1 ? Math.max(0, w - 1 - rnd.nextInt(3)) : k == 2 ? w + rnd.nextInt(5) : w);
        float[] a = new float[Math.min(n, 1 << 20)];
        for (int i = 0; i < a.length; i++) {
            a[i] = rnd.nextInt(50) == 0 ? (rnd.nextBoolean() ? Float.NaN : Float.POSITIVE_INFINITY) : (float) rnd.nextGaussian();
        }
        return a;
    }

    int offset() {
        return rnd.nextInt(6) == 0 ? anInt() : 0;
    }

    void call(String what, Runnable r) {
        try {
            r.run();
            returned++;
        } catch (VecpropException e) {
            assertThat(e.getMessage()).as(what).isNotBlank();
            assertThat(e.getMessage().lines().count()).as(what + ": " + e.getMessage()).isEqualTo(1);
            rejected++;
        } catch (RuntimeException | OutOfMemoryError e) {
            AssertionError a = new AssertionError(what + " threw " + e);
            a.initCause(e);
            throw a;
        }
    }

    <T> T make(String what, Supplier<T> s) {
        try {
            T t = s.get();
            returned++;
            return t;
        } catch (VecpropException e) {
            rejected++;
            return null;
        } catch (RuntimeException | OutOfMemoryError e) {
            AssertionError a = new AssertionError(what + " threw " + e);
            a.initCause(e);
            throw a;
        }
    }

    @Test
    void layersAndModels() {
        for (int round = 0; round < ROUNDS; round++) {
            int[] dims = new int[1 + rnd.nextInt(3)];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = small();
            }
            Shape in = make("Shape.of", () -> Shape.of(dims));
            make("Linear", () -> new Linear(anInt(), anInt()));
            make("Conv2d", () -> new Conv2d(small(), small(), small(), small(), small(), small() - 1, small(), small(), rnd.nextBoolean()));
            make("MaxPool2d", () -> new MaxPool2d(small(), small(), small() - 1));
            make("AvgPool2d", () -> new AvgPool2d(small(), small(), small() - 1));
            make("BatchNorm1d", () -> new BatchNorm1d(anInt(), (float) aDouble(), (float) aDouble()));
            make("Dropout", () -> new Dropout(aDouble()));
            make("LeakyReLU", () -> new LeakyReLU((float) aDouble()));
            if (in == null) {
                continue;
            }
            Sequential m = make("Sequential", () -> new Sequential(in, switch (rnd.nextInt(5)) {
                case 0 -> new Linear(small(), small());
                case 1 -> new Conv2d(small(), small(), small(), 1, rnd.nextInt(2));
                case 2 -> new MaxPool2d(small());
                case 3 -> new BatchNorm2d(small());
                default -> new Flatten();
            }, rnd.nextBoolean() ? new ReLU() : new Flatten()));
            if (m == null) {
                continue;
            }
            int maxBatch = rnd.nextBoolean() ? small() : anInt();
            Workspace ws = make("workspace(" + maxBatch + ")", () -> m.workspace(maxBatch));
            if (ws == null) {
                continue;
            }
            int batch = small();
            float[] x = anArray(batch * in.size());
            int xo = offset();
            Context ctx = rnd.nextBoolean() ? Context.inference() : Context.training(rnd.nextLong());
            call("forward", () -> m.forward(ctx, ws, x, xo, batch));
            call("backward", () -> {
                m.forward(ctx, ws, x, xo, batch);
                m.backward(ctx, ws, x, xo, batch, rnd.nextBoolean() ? null : anArray(batch * in.size()), offset());
            });
        }
        assertThat(returned).isPositive();
        assertThat(rejected).isPositive();
    }

    @Test
    void lossesDataTrainingAndInference() {
        Sequential model = new Sequential(Shape.of(4), new Linear(4, 5), new ReLU(), new Linear(5, 3));
        Loss[] losses = {new SoftmaxCrossEntropy(), new MSELoss(), new BCE(), new BCEWithLogits(), new NLLLoss()};
        for (int round = 0; round < ROUNDS; round++) {
            Loss loss = losses[rnd.nextInt(losses.length)];
            int batch = small();
            int features = small();
            float[] pred = anArray(batch * features);
            int[] labels = rnd.nextInt(6) == 0 ? null : new int[Math.min(1 << 20, Math.max(0, batch + rnd.nextInt(3) - 1))];
            if (labels != null) {
                for (int i = 0; i < labels.length; i++) {
                    labels[i] = rnd.nextInt(10) == 0 ? anInt() : rnd.nextInt(Math.max(1, features));
                }
            }
            boolean asLabels = rnd.nextBoolean();
            float[] values = anArray(batch * features);
            Targets t = make("Targets", () -> asLabels ? Targets.labels(labels, offset()) : Targets.values(values, offset()));
            call(loss.describe() + " compute", () -> loss.compute(pred, offset(), batch, features, t,
                    rnd.nextBoolean() ? null : anArray(batch * features), offset()));

            int n = small();
            int[] ys = new int[Math.min(1 << 20, Math.max(0, n))];
            for (int i = 0; i < ys.length; i++) {
                ys[i] = rnd.nextInt(8) == 0 ? anInt() : rnd.nextInt(3);
            }
            int classes = rnd.nextInt(8) == 0 ? anInt() : 3;
            DataSource data = make("ArrayDataSource.labeled", () -> ArrayDataSource.labeled(anArray(n * 4), Shape.of(4), ys, classes));
            make("ArrayDataSource.regression", () -> ArrayDataSource.regression(anArray(n * 4), Shape.of(4), anArray(n), small()));
            make("Normalization", () -> new Normalization((float) aDouble(), (float) aDouble()));
            if (data != null) {
                call("subset", () -> data.subset(new int[]{anInt(), 0}));
                call("head", () -> data.head(anInt()));
                call("split", () -> data.split(aDouble(), rnd.nextLong()));
                call("mapLabels", () -> data.mapLabels(y -> y * anInt(), anInt()).gather(null, 0, data.size(),
                        new float[data.size() * 4], 0, new int[data.size()], 0, null, 0));
                call("fit", () -> Trainer.builder().epochs(1 + rnd.nextInt(2)).batchSize(Math.max(1, small())).threads(1)
                        .learningRate(rnd.nextDouble() + 1e-3).build().fit(model, data));
                call("evaluate", () -> Evaluator.evaluate(model, data, loss));
            }
            call("builder", () -> {
                Trainer.Builder b = Trainer.builder();
                switch (rnd.nextInt(9)) {
                    case 0 -> b.epochs(anInt());
                    case 1 -> b.batchSize(anInt());
                    case 2 -> b.threads(anInt());
                    case 3 -> b.validationSplit(aDouble());
                    case 4 -> b.learningRate(aDouble());
                    case 5 -> b.clipNorm(aDouble());
                    case 6 -> b.maxSteps(anInt());
                    case 7 -> b.adversarial(null, aDouble());
                    default -> b.checkpoint(null, anInt());
                }
            });
            call("schedule", () -> LrSchedule.cosine((float) aDouble(), (float) aDouble(), anInt()).lr(0, 0, 1));
            call("step schedule", () -> LrSchedule.step((float) aDouble(), anInt(), (float) aDouble()));
            call("warmup", () -> LrSchedule.warmup(LrSchedule.constant(0.1f), anInt()));
            call("Adam options", () -> Adam.options().betas(aDouble(), aDouble()).eps(aDouble()).create(model.params()));
            call("SGD options", () -> SGD.options().momentum(aDouble()).nesterov(rnd.nextBoolean()).create(model.params()));

            int maxBatch = rnd.nextBoolean() ? small() : anInt();
            InferenceSession s = make("InferenceSession", () -> new InferenceSession(model, maxBatch, Normalization.NONE));
            if (s != null) {
                int k = small();
                call("predict", () -> s.predict(anArray(4), offset()));
                call("predict agrees with probabilities and predictBatch", () -> {
                    float[] x1 = anArray(8);
                    int label = s.predict(x1, 0);
                    float[] pr = new float[3];
                    s.probabilities(x1, 0, pr, 0);
                    int best = 0;
                    for (int j = 1; j < 3; j++) {
                        best = pr[j] > pr[best] ? j : best;
                    }
                    assertThat(pr[label]).as("predict's class has the top probability").isEqualTo(pr[best]);
                    int[] two = new int[2];
                    s.predictBatch(x1, 2, two);
                    assertThat(two[0]).isEqualTo(label);
                    assertThat(two[1]).isEqualTo(s.predict(x1, 4));
                });
                call("predictBatch", () -> s.predictBatch(anArray(k * 4), k, rnd.nextInt(4) == 0 ? null : new int[Math.min(1 << 20, Math.max(0, k - rnd.nextInt(2)))]));
                call("topK", () -> s.topK(anArray(4), small()));
                call("probabilities", () -> s.probabilities(anArray(4), offset(), anArray(3), offset()));
            }
            call("LayerConfig", () -> LayerRegistry.builtIn().create(LayerConfig.of(rnd.nextBoolean() ? "Linear" : "Conv2d",
                    "in", anInt(), "out", rnd.nextBoolean() ? anInt() : (Object) "x", "bias", rnd.nextBoolean())));
            call("load", () -> Checkpoint.load(Path.of("/nonexistent/" + rnd.nextInt(100) + ".safetensors")));
        }
        assertThat(returned).isPositive();
        assertThat(rejected).isPositive();
    }

    /** Every entry point the random rounds do not reach with a null or an out-of-range argument. */
    @Test
    void nullsAndShortArraysAtTheRemainingEntryPoints(@org.junit.jupiter.api.io.TempDir Path dir) {
        Sequential model = new Sequential(Shape.of(4), new Linear(4, 5), new ReLU(), new Linear(5, 3));
        DataSource data = ArrayDataSource.labeled(new float[8], Shape.of(4), new int[]{0, 1}, 3);
        Loss loss = new SoftmaxCrossEntropy();
        Path f = dir.resolve("m.safetensors");
        java.util.Map<String, Runnable> calls = new java.util.LinkedHashMap<>();
        calls.put("fit(null, data)", () -> Trainer.builder().build().fit(null, data));
        calls.put("fit(model, null)", () -> Trainer.builder().build().fit(model, null));
        calls.put("evaluate(null model)", () -> Evaluator.evaluate(null, data, loss));
        calls.put("evaluate(null data)", () -> Evaluator.evaluate(model, null, loss));
        calls.put("evaluate(null loss)", () -> Evaluator.evaluate(model, data, null));
        calls.put("save(null model)", () -> Checkpoint.save(f, null));
        calls.put("save(null file)", () -> Checkpoint.save(null, model));
        calls.put("exportWeights(null normalization)", () -> Checkpoint.exportWeights(f, model, null));
        calls.put("load(null file)", () -> Checkpoint.load(null));
        calls.put("load(null registry)", () -> Checkpoint.load(f, null));
        calls.put("loadWeights(null model)", () -> Checkpoint.loadWeights(f, null));
        calls.put("Sequential(null shape)", () -> new Sequential(null, new Linear(2, 2)));
        calls.put("Sequential(null layers)", () -> new Sequential(Shape.of(2), (dev.vecprop.layer.Layer[]) null));
        calls.put("Sequential(a null layer)", () -> new Sequential(Shape.of(2), (dev.vecprop.layer.Layer) null));
        calls.put("checkLayer(null)", () -> dev.vecprop.check.GradCheck.checkLayer(null, Shape.of(2),
                dev.vecprop.check.GradCheck.Options.defaults()));
        calls.put("checkModel(null)", () -> dev.vecprop.check.GradCheck.checkModel(null,
                dev.vecprop.check.GradCheck.Options.defaults()));
        calls.put("checkLoss(short input)", () -> dev.vecprop.check.GradCheck.checkLoss(loss, new float[2], 2, 3,
                Targets.labels(new int[]{0, 1}, 0), dev.vecprop.check.GradCheck.Options.defaults()));
        calls.put("gather(short x)", () -> data.gather(null, 0, 2, new float[7], 0, new int[2], 0, null, 0));
        calls.put("gather(short labels)", () -> data.gather(null, 0, 2, new float[8], 0, new int[1], 0, null, 0));
        calls.put("gather(past the end)", () -> data.gather(null, 1, 2, new float[8], 0, new int[2], 0, null, 0));
        calls.put("gather(bad order)", () -> data.gather(new int[]{0, 7}, 0, 2, new float[8], 0, new int[2], 0, null, 0));
        calls.put("Safetensors.write(null tensors)", () -> dev.vecprop.io.Safetensors.write(f, null, java.util.Map.of()));
        InferenceSession s = new InferenceSession(model, 4, Normalization.NONE);
        calls.put("predict(NaN input)", () -> s.predict(new float[]{1, Float.NaN, 0, 0}));
        calls.put("predictBatch(an infinite input)", () -> s.predictBatch(new float[]{1, 0, 0, 0, Float.POSITIVE_INFINITY, 0, 0, 0}, 2, new int[2]));
        calls.put("topK(NaN input)", () -> s.topK(new float[]{Float.NaN, 0, 0, 0}, 2));
        for (java.util.Map.Entry<String, Runnable> c : calls.entrySet()) {
            assertThatThrownBy(() -> c.getValue().run()).as(c.getKey()).isInstanceOf(VecpropException.class)
                    .satisfies(e -> assertThat(e.getMessage().lines().count()).as(c.getKey() + ": " + e.getMessage()).isEqualTo(1));
        }
    }
}
