package dev.vecprop.check;

import dev.vecprop.layer.AvgPool2d;
import dev.vecprop.layer.BatchNorm1d;
import dev.vecprop.layer.BatchNorm2d;
import dev.vecprop.layer.Conv2d;
import dev.vecprop.layer.Dropout;
import dev.vecprop.layer.Flatten;
import dev.vecprop.layer.GELU;
import dev.vecprop.layer.LayerNorm;
import dev.vecprop.layer.LeakyReLU;
import dev.vecprop.layer.MeanOverTime;
import dev.vecprop.layer.MultiheadSelfAttention;
import dev.vecprop.layer.PositionalEmbedding;
import dev.vecprop.layer.TransformerEncoderLayer;
import dev.vecprop.layer.Embedding;
import dev.vecprop.layer.GRU;
import dev.vecprop.layer.LSTM;
import dev.vecprop.layer.Linear;
import dev.vecprop.layer.MaxPool2d;
import dev.vecprop.layer.ReLU;
import dev.vecprop.layer.Residual;
import dev.vecprop.layer.Shape;
import dev.vecprop.layer.Sigmoid;
import dev.vecprop.layer.Softmax;
import dev.vecprop.layer.Tanh;
import dev.vecprop.layer.TimeDistributed;
import dev.vecprop.loss.BCE;
import dev.vecprop.loss.BCEWithLogits;
import dev.vecprop.loss.MSELoss;
import dev.vecprop.loss.NLLLoss;
import dev.vecprop.loss.Reduction;
import dev.vecprop.loss.SoftmaxCrossEntropy;

import java.util.List;

/**
 * Every built-in layer and loss of vecprop under the same contract kit users run on their layers:
 * odd sizes that hit the SIMD tails, batch sizes 2 and 5 (4 for batch norm), the batch norms declared as mixing samples
 * in training. {@code mvn verify} and {@code vecprop gradcheck} run it.
 */
public final class BuiltInContracts {
    private BuiltInContracts() {}

    /** {@return the contract tests of every built-in layer and loss, not yet run, in a fixed order} */
    public static List<ContractSuite.ContractTest> tests() {
        ContractSuite s = new ContractSuite().batches(2, 5);
        s.layer(() -> new Linear(7, 5), Shape.of(7));
        s.layer(() -> new Linear(17, 33, false), Shape.of(17));
        Shape v = Shape.of(17);
        s.layer(ReLU::new, v);
        s.layer(() -> new LeakyReLU(0.2f), v);
        s.layer(Sigmoid::new, v);
        s.layer(Tanh::new, v);
        s.layer(GELU::new, v);
        s.layer(() -> new GELU(true), v);
        s.layer(Softmax::new, v);
        s.layer(() -> new Softmax(true), v);
        s.layer(() -> new Dropout(0.3), v);
        s.layer(Flatten::new, Shape.of(2, 3, 5));
        s.layer(() -> new Residual(new Linear(9, 9), new Tanh(), new Linear(9, 9)), Shape.of(9));
        // batch norm over 2 samples normalizes them to -1 and +1: dL/dx is 0 up to float32 noise; 4 is not degenerate
        s.batches(4);
        s.layer(() -> new BatchNorm1d(17), LayerContract::mixesSamplesInTraining, v);
        s.batches(2);
        s.layer(() -> new Conv2d(2, 4, 3, 2, 1), Shape.of(2, 9, 7));
        s.layer(() -> new Conv2d(4, 6, 2, 3, 1, 1, 2, 2, false), Shape.of(4, 8, 9));
        s.layer(() -> new MaxPool2d(3, 2, 1), Shape.of(2, 7, 9));
        s.layer(() -> new AvgPool2d(2), Shape.of(3, 7, 9));
        s.layer(AvgPool2d::global, Shape.of(4, 5, 3));
        s.layer(() -> new BatchNorm2d(3), LayerContract::mixesSamplesInTraining, Shape.of(3, 5, 7));
        // sequence layers on (T, d)
        s.layer(() -> new LayerNorm(7), Shape.of(5, 7));
        s.layer(() -> new Linear(5, 3), Shape.of(4, 5));
        s.layer(() -> new PositionalEmbedding(9, 5), Shape.of(7, 5));
        s.layer(MeanOverTime::new, Shape.of(6, 5));
        s.layer(() -> new MultiheadSelfAttention(6, 2), Shape.of(5, 6));
        s.layer(() -> new MultiheadSelfAttention(9, 3, true), Shape.of(7, 9));
        s.layer(() -> new TransformerEncoderLayer(6, 2, 11), Shape.of(5, 6));
        s.layer(() -> new LSTM(5, 19, 2, true), Shape.of(3, 5), Shape.of(1, 5));
        s.layer(() -> new LSTM(6, 7), Shape.of(4, 6));
        s.layer(() -> new GRU(5, 19, 2, true), Shape.of(3, 5), Shape.of(1, 5));
        s.layer(() -> new GRU(6, 7), Shape.of(4, 6));
        s.layer(() -> new Embedding(11, 6), c -> c.tokenInputs(11), Shape.of(4));
        s.layer(() -> new TimeDistributed(new Linear(5, 7)), Shape.of(3, 5));
        for (Reduction red : Reduction.values()) {
            s.loss(LossContract.labels(new SoftmaxCrossEntropy(red), 5, 10));
            s.loss(LossContract.logProbabilityLabels(new NLLLoss(red), 5, 10));
            s.loss(LossContract.values(new BCEWithLogits(red), 4, 3));
            s.loss(LossContract.probabilities(new BCE(red), 4, 3));
            s.loss(LossContract.values(new MSELoss(red), 3, 7));
        }
        return s.tests();
    }
}
