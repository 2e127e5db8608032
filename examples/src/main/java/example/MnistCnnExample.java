package example;

import dev.vecprop.check.GradCheck;
import dev.vecprop.data.DataFiles;
import dev.vecprop.data.DataSource;
import dev.vecprop.data.IdxDataset;
import dev.vecprop.layer.Conv2d;
import dev.vecprop.layer.Flatten;
import dev.vecprop.layer.LayerRegistry;
import dev.vecprop.layer.Linear;
import dev.vecprop.layer.MaxPool2d;
import dev.vecprop.layer.Sequential;
import dev.vecprop.layer.Shape;
import dev.vecprop.loss.SoftmaxCrossEntropy;
import dev.vecprop.optim.Adam;
import dev.vecprop.optim.LrSchedule;
import dev.vecprop.train.Checkpoint;
import dev.vecprop.train.EarlyStopping;
import dev.vecprop.train.Evaluation;
import dev.vecprop.train.Evaluator;
import dev.vecprop.train.FitResult;
import dev.vecprop.train.InferenceSession;
import dev.vecprop.train.Monitor;
import dev.vecprop.train.Trainer;
import dev.vecprop.train.TrainingListener;
import dev.vecprop.train.EpochEvent;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What a Java developer does with vecprop, end to end, through its public API only: a small CNN
 * with one custom layer ({@link Swish}) fitted on 6,000 MNIST images with a validation split and
 * early stopping, saved, reloaded into an {@link InferenceSession}, one sample and a batch predicted
 * from two threads, and the custom layer gradient-checked. Exits non-zero if anything is off.
 *
 * <p>Usage: {@code MnistCnnExample MNIST_DIR} (a folder with the four IDX files).
 */
public final class MnistCnnExample {
    private MnistCnnExample() {}

    public static void main(String[] args) throws Exception {
        Path mnist = Path.of(args.length > 0 ? args[0] : "data/mnist");
        Path work = Files.createTempDirectory("vecprop-example");

        // 1. The custom layer's backward, checked numerically like every built-in layer.
        GradCheck.checkLayer(new Swish(1.5f), Shape.of(4, 5, 5), GradCheck.Options.defaults()).assertPassed();
        System.out.println("gradient check of Swish: passed");

        DataFiles files = DataFiles.locate(mnist, work.resolve("cache"));
        try (IdxDataset train = files.openTrain(10); IdxDataset test = files.openTest(10)) {
            double[] ms = train.pixelStats();
            train.normalize(0f, (float) ms[1]);           // pixels / 255 / std: blank pixels stay 0
            test.normalize(0f, (float) ms[1]);
            DataSource some = train.head(6000);

            // 2. The model: conv - Swish - pool - conv - Swish - pool - fc.
            Sequential model = new Sequential(Shape.of(1, 28, 28),
                    new Conv2d(1, 8, 3, 1, 1), new Swish(1f), new MaxPool2d(2),
                    new Conv2d(8, 16, 3, 1, 1), new Swish(1f), new MaxPool2d(2),
                    new Flatten(), new Linear(16 * 7 * 7, 10));
            System.out.println(model.summary());

            // 3. Fit with a validation split, early stopping and a line per epoch.
            EarlyStopping stop = EarlyStopping.of(Monitor.VALIDATION_LOSS).patience(1).restoreBest(true);
            FitResult r = Trainer.builder()
                    .loss(new SoftmaxCrossEntropy())
                    .optimizer(Adam.options())
                    .schedule(LrSchedule.cosine(2e-3f, 0f, 6))
                    .epochs(6).batchSize(64).seed(1).threads(Runtime.getRuntime().availableProcessors())
                    .validationSplit(0.1)
                    .listener(stop)
                    .listener(new TrainingListener() {
                        @Override
                        public void onEpochEnd(EpochEvent e) {
                            System.out.printf(Locale.ROOT, "epoch %d: train loss %.4f, val loss %.4f, val acc %.2f%%%n",
                                    e.metrics().epoch() + 1, e.metrics().trainLoss(), e.metrics().validation().loss(),
                                    100 * e.metrics().validation().accuracy());
                        }
                    })
                    .build()
                    .fit(model, some);
            System.out.println(r.stopReason() != null ? r.stopReason() : "ran all " + r.epochs().size() + " epochs");
            Evaluation ev = Evaluator.evaluate(model, test, new SoftmaxCrossEntropy(), 2);
            System.out.printf(Locale.ROOT, "test accuracy %.2f%%, top-3 %.2f%%, macro F1 %.4f%n",
                    100 * ev.accuracy(), 100 * ev.topKAccuracy(3), ev.macroF1());
            check(ev.accuracy() > 0.90, "test accuracy " + ev.accuracy() + " <= 0.90");

            // 4. Save (structure + weights + normalisation), reload with a registry that knows Swish.
            Path file = work.resolve("cnn.safetensors");
            Checkpoint.save(file, model, test.normalization(), java.util.Map.of());
            LayerRegistry registry = LayerRegistry.builtIn()
                    .register("Swish", c -> new Swish((float) c.doubleArg("beta")));
            InferenceSession session = InferenceSession.load(file, registry);

            // 5. Predict one sample and a batch from two threads (raw pixels in [0, 1]).
            int n = 200;
            float[] pixels = new float[n * 784];
            int[] truth = new int[n];
            try (IdxDataset raw = files.openTest(10)) {
                raw.gather(null, 0, n, pixels, 0, truth, 0);
            }
            List<InferenceSession.Prediction> top = session.topK(java.util.Arrays.copyOf(pixels, 784), 3);
            System.out.println("sample 0 (a " + truth[0] + "): " + top);
            check(top.get(0).label() == session.predict(pixels), "topK and predict disagree");
            int[][] labels = new int[2][n / 2];
            Thread[] threads = new Thread[2];
            for (int t = 0; t < 2; t++) {
                final int k = t;
                threads[t] = new Thread(() -> session.predictBatch(
                        java.util.Arrays.copyOfRange(pixels, k * (n / 2) * 784, (k + 1) * (n / 2) * 784), n / 2, labels[k]));
                threads[t].start();
            }
            int correct = 0;
            for (int t = 0; t < 2; t++) {
                threads[t].join();
                for (int i = 0; i < n / 2; i++) {
                    correct += labels[t][i] == truth[t * (n / 2) + i] ? 1 : 0;
                }
            }
            System.out.printf(Locale.ROOT, "batch of %d from two threads: %d correct%n", n, correct);
            check(correct > 0.9 * n, "only " + correct + " of " + n + " correct after reloading");
        }
        System.out.println("example: OK");
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            System.err.println("example: FAILED: " + what);
            System.exit(1);
        }
    }
}
