package dev.vecprop.apitest;

import dev.vecprop.ConfigException;
import dev.vecprop.VecpropException;
import dev.vecprop.check.GradCheck;
import dev.vecprop.data.ArrayDataSource;
import dev.vecprop.data.DataSource;
import dev.vecprop.io.CheckpointException;
import dev.vecprop.layer.Conv2d;
import dev.vecprop.layer.Flatten;
import dev.vecprop.layer.LayerRegistry;
import dev.vecprop.layer.Linear;
import dev.vecprop.layer.MaxPool2d;
import dev.vecprop.layer.ReLU;
import dev.vecprop.layer.Residual;
import dev.vecprop.layer.Sequential;
import dev.vecprop.layer.ShapeException;
import dev.vecprop.layer.Shape;
import dev.vecprop.layer.Tanh;
import dev.vecprop.loss.MSELoss;
import dev.vecprop.optim.Adam;
import dev.vecprop.optim.LrSchedule;
import dev.vecprop.optim.SGD;
import dev.vecprop.train.BestCheckpoint;
import dev.vecprop.train.Checkpoint;
import dev.vecprop.train.EarlyStopping;
import dev.vecprop.train.EpochEvent;
import dev.vecprop.train.Evaluation;
import dev.vecprop.train.Evaluator;
import dev.vecprop.train.FitResult;
import dev.vecprop.train.FitStart;
import dev.vecprop.train.InferenceSession;
import dev.vecprop.train.Monitor;
import dev.vecprop.train.StepEvent;
import dev.vecprop.train.Trainer;
import dev.vecprop.train.TrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The library as a user sees it: only exported types, from another package. */
class FitApiTest {
    @TempDir
    Path dir;

    /** Three classes of 12 features: class c lights features 4c..4c+3, plus noise. */
    static ArrayDataSource blobs(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * 12];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(3);
            for (int j = 0; j < 12; j++) {
                x[i * 12 + j] = (float) (r.nextGaussian() * 0.3 + (j / 4 == y[i] ? 1.0 : 0.0));
            }
        }
        return ArrayDataSource.labeled(x, Shape.of(12), y, 3);
    }

    static Sequential model() {
        return new Sequential(Shape.of(12), new Scale(12), new Linear(12, 16), new ReLU(), new Linear(16, 3));
    }

    @Test
    void fitsAnInMemoryModelWithACustomLayerAndReportsEveryMetric() {
        List<String> events = new ArrayList<>();
        Sequential m = model();
        FitResult r = Trainer.builder().epochs(4).batchSize(16).threads(1).learningRate(0.01)
                .validationSplit(0.2)
                .listener(new TrainingListener() {
                    @Override
                    public void onFitStart(FitStart s) {
                        events.add("start " + s.trainSamples() + " " + s.stepsPerEpoch());
                    }

                    @Override
                    public void onStep(StepEvent e) {
                        if (e.step() == e.stepsPerEpoch()) {
                            events.add("last step of epoch " + e.epoch());
                        }
                    }

                    @Override
                    public void onEpochEnd(EpochEvent e) {
                        events.add("epoch " + e.metrics().epoch());
                    }

                    @Override
                    public void onFitEnd(FitResult res) {
                        events.add("end " + res.epochs().size());
                    }
                }).build().fit(m, blobs(500, 1));
        assertThat(events).containsExactly("start 400 25", "last step of epoch 0", "epoch 0", "last step of epoch 1",
                "epoch 1", "last step of epoch 2", "epoch 2", "last step of epoch 3", "epoch 3", "end 4");
        Evaluation v = r.last().validation();
        assertThat(v.samples()).isEqualTo(100);
        assertThat(v.accuracy()).isGreaterThan(0.95);
        assertThat(r.last().trainAccuracy()).isGreaterThan(0.9);
        assertThat(v.topKAccuracy(3)).isEqualTo(1.0);
        assertThat(v.topKAccuracy(1)).isEqualTo(v.accuracy());
        long total = 0;
        for (long[] row : v.confusion()) {
            for (long c : row) {
                total += c;
            }
        }
        assertThat(total).isEqualTo(100);
        assertThat(v.macroF1()).isBetween(0.9, 1.0);
        assertThat(v.f1(0)).isBetween(0.0, 1.0);
        assertThat(r.epochs()).extracting(e -> e.learningRate()).containsOnly(0.01f);

        Evaluation again = Evaluator.evaluate(m, blobs(300, 2), new dev.vecprop.loss.SoftmaxCrossEntropy());
        assertThat(again.accuracy()).isGreaterThan(0.95);
    }

    @Test
    void savesAndServesAModelWithACustomLayerThroughARegistry() throws Exception {
        Sequential m = model();
        Trainer.builder().epochs(2).threads(1).learningRate(0.01).build().fit(m, blobs(300, 3));
        Path f = dir.resolve("custom.safetensors");
        Checkpoint.save(f, m);
        assertThatThrownBy(() -> InferenceSession.load(f)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("unknown layer type Scale");
        LayerRegistry reg = LayerRegistry.builtIn().register("Scale", c -> new Scale(c.intArg("features")));
        InferenceSession s = InferenceSession.load(f, reg);
        float[] x = new float[12 * 8];
        blobs(8, 4).gather(null, 0, 8, x, 0, null, 0, null, 0);
        int[] labels = new int[8];
        s.predictBatch(x, 8, labels);
        InferenceSession direct = new InferenceSession(m, 8, dev.vecprop.data.Normalization.NONE);
        int[] want = new int[8];
        direct.predictBatch(x, 8, want);
        assertThat(labels).containsExactly(want);
        // from two threads at once, bit-identical to serial
        float[][] probs = new float[2][3];
        Thread[] ts = new Thread[2];
        for (int t = 0; t < 2; t++) {
            final int k = t;
            ts[t] = new Thread(() -> s.probabilities(x, 12 * k, probs[k], 0));
            ts[t].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        float[] serial = new float[3];
        s.probabilities(x, 12, serial, 0);
        assertThat(probs[1]).containsExactly(serial);
        assertThatThrownBy(() -> s.predictBatch(x, 8, new int[7])).isInstanceOf(ShapeException.class)
                .hasMessageContaining("8 labels do not fit an array of 7");
    }

    @Test
    void savesNestedBlocksAndRejectsALayerInTwoModels() {
        Sequential cnn = new Sequential(Shape.of(1, 8, 8), new Conv2d(1, 4, 3, 1, 1), new ReLU(),
                new Residual(new Conv2d(4, 4, 3, 1, 1), new ReLU()), new MaxPool2d(2), new Flatten(), new Linear(64, 3));
        Path f = dir.resolve("cnn.safetensors");
        Checkpoint.save(f, cnn);
        Checkpoint.Loaded l = Checkpoint.load(f);
        assertThat(l.model().summary()).isEqualTo(cnn.summary());
        assertThat(l.model().params().values()).containsExactly(cnn.params().values());

        Linear shared = new Linear(12, 3);
        new Sequential(Shape.of(12), shared);
        assertThatThrownBy(() -> new Sequential(Shape.of(12), shared)).isInstanceOf(ShapeException.class)
                .hasMessageContaining("Linear(12->3) already belongs to another model");
        Tanh twice = new Tanh();
        assertThatThrownBy(() -> new Sequential(Shape.of(12), twice, twice)).isInstanceOf(ShapeException.class)
                .hasMessageContaining("appears twice");
    }

    @Test
    void earlyStoppingRestoresTheBestEpochAndKeepBestWritesIt() {
        Sequential m = model();
        Path best = dir.resolve("best.safetensors");
        EarlyStopping es = EarlyStopping.of(Monitor.VALIDATION_LOSS).patience(1).restoreBest(true);
        BestCheckpoint keep = new BestCheckpoint(best, Monitor.VALIDATION_LOSS);
        // SGD with a learning rate far too high: the validation loss soon stops improving
        FitResult r = Trainer.builder().epochs(30).batchSize(8).threads(1).optimizer(SGD.options().momentum(0.9))
                .learningRate(0.5).validation(blobs(200, 5)).listener(es).listener(keep).skipNonFinite(true)
                .build().fit(m, blobs(400, 6));
        assertThat(r.stopReason()).startsWith("early stopping: validation loss did not improve");
        assertThat(r.epochs().size()).isLessThan(30);
        assertThat(es.bestEpoch()).isEqualTo(keep.bestEpoch());
        double bestLoss = r.epochs().get(es.bestEpoch()).validation().loss();
        assertThat(r.epochs()).allSatisfy(e -> assertThat(e.validation().loss()).isGreaterThanOrEqualTo(bestLoss));
        // the restored weights are the best epoch's: the kept file and the model agree
        Checkpoint.Loaded kept = Checkpoint.load(best, LayerRegistry.builtIn().register("Scale", c -> new Scale(c.intArg("features"))));
        assertThat(kept.model().params().values()).containsExactly(m.params().values());
        assertThatThrownBy(() -> Trainer.builder().listener(EarlyStopping.of(Monitor.VALIDATION_LOSS)).build()
                .fit(model(), blobs(50, 1))).isInstanceOf(ConfigException.class).hasMessageContaining("needs a validation set");
    }

    @Test
    void regressionWithMseAndARealValuedSource() {
        SplittableRandom r = new SplittableRandom(8);
        int n = 400;
        float[] x = new float[n * 3];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 3; j++) {
                x[i * 3 + j] = (float) r.nextGaussian();
            }
            y[i] = 2 * x[i * 3] - x[i * 3 + 1] + 0.5f;
        }
        DataSource data = ArrayDataSource.regression(x, Shape.of(3), y, 1);
        Sequential m = new Sequential(Shape.of(3), new Linear(3, 1));
        FitResult res = Trainer.builder().loss(new MSELoss()).optimizer(Adam.options()).schedule(LrSchedule.constant(0.05f))
                .epochs(30).batchSize(32).threads(1).validation(data).build().fit(m, data);
        assertThat(res.last().validation().loss()).isLessThan(1e-3);
        assertThat(res.last().validation().accuracy()).isNaN();
        assertThat(res.last().trainAccuracy()).isNaN();
    }

    @Test
    void badSettingsAndDataFailUpFrontInTheApisOwnTerms() {
        assertThatThrownBy(() -> Trainer.builder().batchSize(0)).isInstanceOf(ConfigException.class)
                .hasMessage("batchSize must be >= 1, got 0");
        assertThatThrownBy(() -> Trainer.builder().validationSplit(1.5)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("validationSplit must be in (0, 1)");
        assertThatThrownBy(() -> ArrayDataSource.labeled(new float[24], Shape.of(12), new int[]{0, 7}, 3))
                .isInstanceOf(ConfigException.class).hasMessage("labels[1] = 7 is outside 0..2");
        float[] nan = new float[12];
        nan[5] = Float.NaN;
        assertThatThrownBy(() -> ArrayDataSource.labeled(nan, Shape.of(12), new int[]{0}, 3))
                .isInstanceOf(ConfigException.class).hasMessageContaining("features[5] (sample 0) is NaN");
        DataSource tenClasses = ArrayDataSource.labeled(new float[12], Shape.of(12), new int[]{9}, 10);
        assertThatThrownBy(() -> Trainer.builder().build().fit(model(), tenClasses)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("has labels 0..9, the model has only 3 outputs");
        DataSource wrongShape = ArrayDataSource.labeled(new float[10], Shape.of(10), new int[]{1}, 3);
        assertThatThrownBy(() -> Trainer.builder().build().fit(model(), wrongShape)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("has samples of (10), the model takes (12)");
        assertThatThrownBy(() -> model().workspace(Integer.MAX_VALUE)).isInstanceOf(ShapeException.class)
                .hasMessageContaining("more than one Java array holds");
        assertThat(new ConfigException("x")).isInstanceOf(VecpropException.class);
        assertThat(new ShapeException("x")).isInstanceOf(VecpropException.class);
    }

    @Test
    void aCustomLayerGradientChecksThroughThePublicChecker() {
        GradCheck.checkLayer(new Scale(7), Shape.of(7), GradCheck.Options.defaults()).assertPassed();
    }
}
