package dev.vecprop.check;

import dev.vecprop.layer.AvgPool2d;
import dev.vecprop.layer.BatchNorm1d;
import dev.vecprop.layer.BatchNorm2d;
import dev.vecprop.layer.Conv2d;
import dev.vecprop.layer.MaxPool2d;
import dev.vecprop.layer.Dropout;
import dev.vecprop.layer.Flatten;
import dev.vecprop.layer.GELU;
import dev.vecprop.layer.Layer;
import dev.vecprop.layer.LayerNorm;
import dev.vecprop.layer.MeanOverTime;
import dev.vecprop.layer.MultiheadSelfAttention;
import dev.vecprop.layer.PaddingMask;
import dev.vecprop.layer.PositionalEmbedding;
import dev.vecprop.layer.TransformerEncoderLayer;
import dev.vecprop.layer.LeakyReLU;
import dev.vecprop.layer.Embedding;
import dev.vecprop.layer.GRU;
import dev.vecprop.layer.LSTM;
import dev.vecprop.layer.Linear;
import dev.vecprop.layer.ReLU;
import dev.vecprop.layer.Residual;
import dev.vecprop.layer.Sequential;
import dev.vecprop.layer.Shape;
import dev.vecprop.layer.Sigmoid;
import dev.vecprop.layer.Softmax;
import dev.vecprop.layer.Tanh;
import dev.vecprop.layer.TimeDistributed;
import dev.vecprop.loss.BCE;
import dev.vecprop.loss.BCEWithLogits;
import dev.vecprop.loss.L1Penalty;
import dev.vecprop.loss.L2Penalty;
import dev.vecprop.loss.Loss;
import dev.vecprop.loss.MSELoss;
import dev.vecprop.loss.NLLLoss;
import dev.vecprop.loss.Reduction;
import dev.vecprop.loss.SoftmaxCrossEntropy;
import dev.vecprop.loss.Targets;
import dev.vecprop.kernel.RowSoftmax;
import dev.vecprop.tensor.Param;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Every layer and loss of vecprop under the gradient checker, at several shapes (odd sizes that hit
 * the SIMD tails of 4, 8 and 16 lanes), in training and eval mode where they differ, plus whole
 * models that exercise the Linear+ReLU fusions (the forward/backward fusions of {@code Chain}, the chain
 * rule inside Sequential and Residual). Run by {@code mvn verify} (at the widest vector
 * width and at width 0) and by {@code vecprop gradcheck}.
 */
public final class GradCheckSuite {
    private GradCheckSuite() {}

    /**
     * One named check, run on demand.
     *
     * @param name what is checked, e.g. the layer, input shape, mode and batch size
     * @param run  runs the check and returns its report
     */
    public record Case(String name, Supplier<GradCheckReport> run) {}

    private static final GradCheck.Options O = GradCheck.Options.defaults();

    /** {@return every check of the suite, not yet run, in a fixed order} */
    public static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        int[][] dense = {{7, 5}, {17, 33}, {33, 10}};
        for (int[] d : dense) {
            int in = d[0];
            int out = d[1];
            c.add(layer(() -> new Linear(in, out), Shape.of(in), O));
            c.add(layer(() -> new Linear(in, out, false), Shape.of(in), O.withBatch(5)));
        }
        for (int f : new int[]{5, 17, 33}) {
            Shape s = Shape.of(f);
            c.add(layer(ReLU::new, s, O));
            c.add(layer(LeakyReLU::new, s, O));
            c.add(layer(() -> new LeakyReLU(0.2f), s, O.withBatch(2)));
            c.add(layer(Sigmoid::new, s, O));
            c.add(layer(Tanh::new, s, O));
            c.add(layer(GELU::new, s, O));
            c.add(layer(() -> new GELU(true), s, O));
            c.add(layer(Softmax::new, s, O));
            c.add(layer(() -> new Softmax(true), s, O));
            c.add(layer(() -> new Dropout(0.3), s, O));
            c.add(layer(() -> new Dropout(0.3), s, O.withTraining(false)));
            c.add(layer(() -> new BatchNorm1d(f), s, O.withBatch(4)));
            c.add(layer(() -> new BatchNorm1d(f), s, O.withBatch(4).withTraining(false)));
        }
        c.add(layer(Flatten::new, Shape.of(2, 3, 5), O));
        // convolutions and pooling: odd spatial sizes, stride > 1, padding > 0, dilation, groups
        c.add(layer(() -> new Conv2d(1, 3, 3), Shape.of(1, 7, 9), O.withBatch(2)));
        c.add(layer(() -> new Conv2d(2, 4, 3, 2, 1), Shape.of(2, 9, 7), O.withBatch(2)));
        c.add(layer(() -> new Conv2d(4, 6, 2, 3, 1, 1, 2, 2, false), Shape.of(4, 8, 9), O.withBatch(2)));
        c.add(layer(() -> new Conv2d(3, 5, 5), Shape.of(3, 11, 13), O.withBatch(2).withMaxPerTensor(40)));
        c.add(layer(() -> new MaxPool2d(2), Shape.of(3, 6, 8), O));
        c.add(layer(() -> new MaxPool2d(3, 2, 1), Shape.of(2, 7, 9), O));
        c.add(layer(() -> new AvgPool2d(2), Shape.of(3, 7, 9), O));
        c.add(layer(() -> new AvgPool2d(3, 2, 1), Shape.of(2, 7, 9), O));
        c.add(layer(AvgPool2d::global, Shape.of(4, 5, 3), O));
        c.add(layer(() -> new BatchNorm2d(3), Shape.of(3, 5, 7), O.withBatch(3)));
        c.add(layer(() -> new BatchNorm2d(3), Shape.of(3, 5, 7), O.withBatch(3).withTraining(false)));
        // Deep compositions of kinks (ReLU, max) cross many non-differentiable points within one step
        // (the checker then retries smaller steps); the smooth twin has none.
        c.add(model("small CNN, smooth (tanh, avg pool)", () -> new Sequential(Shape.of(1, 12, 12),
                new Conv2d(1, 4, 3), new Tanh(), new AvgPool2d(2), new Conv2d(4, 6, 3, 1, 1), new BatchNorm2d(6),
                new Tanh(), AvgPool2d.global(), new Flatten(), new Linear(6, 5)), O.withBatch(3)));
        c.add(model("small LeNet-like CNN (ReLU, max pool)", () -> new Sequential(Shape.of(1, 12, 12),
                new Conv2d(1, 4, 3), new ReLU(), new MaxPool2d(2), new Conv2d(4, 6, 3, 1, 1), new BatchNorm2d(6),
                new ReLU(), AvgPool2d.global(), new Flatten(), new Linear(6, 5)), O.withBatch(3)));
        c.add(model("ConvNet-like CNN (ReLU into the next Conv2d's input gradient and the pool's backward, Flatten view)",
                () -> new Sequential(Shape.of(1, 10, 10), new Conv2d(1, 3, 3), new ReLU(), new Conv2d(3, 4, 3), new ReLU(),
                        new MaxPool2d(2), new Dropout(0.25), new Flatten(), new Linear(4 * 3 * 3, 5)), O.withBatch(3)));
        c.add(layer(() -> new Residual(new Linear(9, 9), new Tanh(), new Linear(9, 9)), Shape.of(9), O));
        c.add(layer(() -> new Residual(new Linear(17, 17), new ReLU(), new Linear(17, 17)), Shape.of(17), O));
        c.add(model("MLP 13-33-17-10 (fused Linear+ReLU both ways)", () -> new Sequential(Shape.of(13),
                new Linear(13, 33), new ReLU(), new Linear(33, 17), new ReLU(), new Linear(17, 10)), O.withBatch(5)));
        c.add(model("MLP with BN and dropout", () -> new Sequential(Shape.of(11),
                new Linear(11, 19), new BatchNorm1d(19), new ReLU(), new Dropout(0.25), new Linear(19, 7)),
                O.withBatch(6)));
        c.add(model("ReLU first, then Linear (mask fused into dX of the input)", () -> new Sequential(Shape.of(6),
                new ReLU(), new Linear(6, 4)), O));
        c.add(model("deep residual MLP", () -> new Sequential(Shape.of(12), new Linear(12, 16),
                new Residual(new Linear(16, 16), new GELU(), new Linear(16, 16)),
                new Residual(new BatchNorm1d(16), new Tanh(), new Linear(16, 16)), new Linear(16, 3)), O.withBatch(4)));

        // sequence layers (T, d): odd sizes, several sequence lengths, causal and padding masks
        c.add(layer(() -> new LayerNorm(17), Shape.of(17), O));
        c.add(layer(() -> new LayerNorm(7), Shape.of(5, 7), O.withBatch(3)));
        c.add(layer(() -> new LayerNorm(33), Shape.of(3, 33), O.withBatch(2)));
        c.add(layer(() -> new PositionalEmbedding(9, 5), Shape.of(7, 5), O));
        c.add(layer(MeanOverTime::new, Shape.of(6, 5), O));
        for (int t : new int[]{1, 5, 9}) {
            c.add(layer(() -> new MultiheadSelfAttention(6, 2), Shape.of(t, 6), O.withBatch(2)));
            c.add(layer(() -> new MultiheadSelfAttention(9, 3, true), Shape.of(t, 9), O.withBatch(2)));
        }
        c.add(layer(() -> new MultiheadSelfAttention(17, 1), Shape.of(19, 17), O.withBatch(2).withMaxPerTensor(40)));
        c.add(layer(() -> new TransformerEncoderLayer(6, 2, 11), Shape.of(5, 6), O.withBatch(2).withMaxPerTensor(40)));
        c.add(layer(() -> new TransformerEncoderLayer(9, 3, 7, true, 1e-5f), Shape.of(7, 9), O.withBatch(2).withMaxPerTensor(40)));
        c.add(model("attention with a padding mask (lengths 7, 3, 5 of 7)", () -> new Sequential(Shape.of(7, 6),
                new MultiheadSelfAttention(6, 3), new MeanOverTime()), O.withBatch(3), PaddingMask.ofLengths(7, 7, 3, 5)));
        c.add(model("causal attention with padding (lengths 2, 6 of 6)", () -> new Sequential(Shape.of(6, 4),
                new MultiheadSelfAttention(4, 2, true), new MeanOverTime()), O.withBatch(2), PaddingMask.ofLengths(6, 2, 6)));
        c.add(model("small Transformer classifier with padding (lengths 5, 2, 4 of 5)", () -> new Sequential(Shape.of(5, 3),
                new Linear(3, 8), new PositionalEmbedding(6, 8), new TransformerEncoderLayer(8, 2, 13),
                new LayerNorm(8), new MeanOverTime(), new Linear(8, 4)), O.withBatch(3).withMaxPerTensor(30),
                PaddingMask.ofLengths(5, 5, 2, 4)));
        c.add(model("small Transformer classifier", () -> new Sequential(Shape.of(5, 3),
                new Linear(3, 8), new PositionalEmbedding(5, 8), new TransformerEncoderLayer(8, 2, 13),
                new TransformerEncoderLayer(8, 4, 6), new LayerNorm(8), new MeanOverTime(), new Linear(8, 4)),
                O.withBatch(2).withMaxPerTensor(30)));
        // sequence layers: odd sizes (H = 19 fills a 16-lane vector and leaves a tail), several lengths, 2 layers,
        // whole sequence and last state, padded batches, token inputs
        for (int steps : new int[]{1, 3, 6}) {
            c.add(layer(() -> new LSTM(5, 19, 2, true), Shape.of(steps, 5), O.withBatch(2)));
            c.add(layer(() -> new GRU(5, 19, 2, true), Shape.of(steps, 5), O.withBatch(2)));
        }
        c.add(layer(() -> new LSTM(7, 3), Shape.of(4, 7), O));
        c.add(layer(() -> new GRU(7, 3), Shape.of(4, 7), O));
        c.add(lengths("LSTM(5->9, layers 2) padded", () -> new Sequential(Shape.of(5, 5), new LSTM(5, 9, 2, true)),
                new int[]{5, 2, 3}));
        c.add(lengths("GRU(5->9, layers 2) padded", () -> new Sequential(Shape.of(5, 5), new GRU(5, 9, 2, true)),
                new int[]{1, 5, 4}));
        c.add(lengths("LSTM(5->9) last state, padded", () -> new Sequential(Shape.of(5, 5), new LSTM(5, 9),
                new Linear(9, 4)), new int[]{3, 1, 5}));
        c.add(lengths("GRU(5->9) last state, padded", () -> new Sequential(Shape.of(5, 5), new GRU(5, 9),
                new Linear(9, 4)), new int[]{2, 5, 3}));
        c.add(layer(() -> new TimeDistributed(new Linear(5, 7)), Shape.of(3, 5), O));
        c.add(new Case("char LM: Embedding(13, 8) -> LSTM(8->9, sequence) -> TimeDistributed(Linear(9->13)) token ids",
                () -> GradCheck.checkTokenModel(new Sequential(Shape.of(5), new Embedding(13, 8), new LSTM(8, 9, 1, true),
                        new TimeDistributed(new Linear(9, 13))), 13, O.withBatch(2))));
        c.add(new Case("Embedding(11, 6) (4) token ids", () -> GradCheck.checkTokenLayer(new Embedding(11, 6), Shape.of(4),
                11, O)));
        c.add(new Case("Embedding(13, 8) -> LSTM(8->7) -> Linear(7->5) token ids", () -> GradCheck.checkTokenModel(
                new Sequential(Shape.of(6), new Embedding(13, 8), new LSTM(8, 7), new Linear(7, 5)), 13, O)));

        for (Reduction red : Reduction.values()) {
            c.add(classLoss(new SoftmaxCrossEntropy(red), 5, 10, false));
            c.add(classLoss(new SoftmaxCrossEntropy(red), 4, 17, false));
            c.add(classLoss(new NLLLoss(red), 5, 10, true));
            c.add(realLoss(new BCEWithLogits(red), 4, 3, false));
            c.add(realLoss(new BCE(red), 4, 3, true));
            c.add(realLoss(new MSELoss(red), 3, 7, false));
        }
        c.add(penalty(new L1Penalty(0.01)));
        c.add(penalty(new L2Penalty(0.05)));
        return c;
    }

    private static Case layer(Supplier<Layer> f, Shape s, GradCheck.Options o) {
        Layer probe = f.get();
        String name = probe.describe() + " " + s + (o.training() ? " train" : " eval") + " B=" + o.batch();
        return new Case(name, () -> GradCheck.checkLayer(f.get(), s, o));
    }

    private static Case lengths(String name, Supplier<Sequential> f, int[] lengths) {
        return new Case(name + " train", () -> {
            Sequential m = f.get();
            return GradCheck.checkModel(m, O.withBatch(lengths.length), PaddingMask.ofLengths(m.inputShape().dim(0), lengths));
        });
    }

    private static Case model(String name, Supplier<Sequential> f, GradCheck.Options o) {
        return new Case(name + (o.training() ? " train" : " eval"), () -> GradCheck.checkModel(f.get(), o));
    }

    private static Case model(String name, Supplier<Sequential> f, GradCheck.Options o, PaddingMask mask) {
        return new Case(name + (o.training() ? " train" : " eval"), () -> GradCheck.checkModel(f.get(), o, mask));
    }

    private static Case classLoss(Loss loss, int batch, int classes, boolean logProbs) {
        return new Case(loss.describe() + " " + batch + "x" + classes, () -> {
            Random rnd = new Random(batch * 31L + classes);
            float[] x = gaussian(rnd, batch * classes, 2.0);
            if (logProbs) {
                RowSoftmax.logSoftmax(x, 0, x, 0, batch, classes);
            }
            int[] y = new int[batch];
            for (int b = 0; b < batch; b++) {
                y[b] = rnd.nextInt(classes);
            }
            return GradCheck.checkLoss(loss, x, batch, classes, Targets.labels(y, 0), O);
        });
    }

    private static Case realLoss(Loss loss, int batch, int features, boolean probabilities) {
        return new Case(loss.describe() + " " + batch + "x" + features, () -> {
            Random rnd = new Random(batch * 17L + features);
            int n = batch * features;
            float[] x = gaussian(rnd, n, 1.5);
            float[] t = new float[n];
            for (int i = 0; i < n; i++) {
                if (probabilities) {
                    x[i] = 0.1f + 0.8f * rnd.nextFloat();
                }
                t[i] = loss instanceof MSELoss ? (float) rnd.nextGaussian() : rnd.nextFloat();
            }
            GradCheck.Options o = probabilities ? O.withStep(1e-3) : O;
            return GradCheck.checkLoss(loss, x, batch, features, Targets.values(t, 0), o);
        });
    }

    private static Case penalty(dev.vecprop.loss.Penalty pen) {
        return new Case(pen.describe() + " on a Linear(9->7)", () -> {
            Sequential m = new Sequential(Shape.of(9), new Linear(9, 7));
            List<Param> ps = m.params().trainable();
            return GradCheck.checkPenalty(pen, ps, O);
        });
    }

    private static float[] gaussian(Random rnd, int n, double sd) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rnd.nextGaussian() * sd);
        }
        return x;
    }

    /**
     * Runs every case of {@link #cases()} on the caller's thread.
     *
     * @return the reports, in the order of the cases
     */
    public static List<GradCheckReport> runAll() {
        List<GradCheckReport> r = new ArrayList<>();
        for (Case c : cases()) {
            r.add(c.run().get());
        }
        return r;
    }
}
