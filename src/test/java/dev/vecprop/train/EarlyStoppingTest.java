package dev.vecprop.train;

import dev.vecprop.layer.Linear;
import dev.vecprop.layer.Sequential;
import dev.vecprop.layer.Shape;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Patience counts as in Keras and Lightning: the fit stops at the end of the patience-th epoch in a row without improvement. */
class EarlyStoppingTest {
    /** The epoch (0-based) at which early stopping asks to stop on this train-loss sequence, or -1. */
    static int stopsAt(int patience, double minDelta, double... losses) {
        Sequential m = new Sequential(Shape.of(2), new Linear(2, 2));
        EarlyStopping es = EarlyStopping.of(Monitor.TRAIN_LOSS).patience(patience).minDelta(minDelta);
        es.onFitStart(new FitStart(m, 10, 5, 2, losses.length, 0, 1, "opt", "loss", "schedule", false));
        for (int e = 0; e < losses.length; e++) {
            EpochEvent ev = new EpochEvent(new EpochMetrics(e, losses[e], Double.NaN, null, null, 0.1f, 1, 1), m, losses.length);
            es.onEpochEnd(ev);
            if (ev.stopReason() != null) {
                return e;
            }
        }
        return -1;
    }

    @Test
    void stopsAtThePatienceThEpochWithoutImprovement() {
        double[] l = {1.0, 0.8, 0.9, 0.85, 0.95, 0.7, 0.75};
        assertThat(stopsAt(0, 0, l)).isEqualTo(2);
        assertThat(stopsAt(1, 0, l)).isEqualTo(2);
        assertThat(stopsAt(2, 0, l)).isEqualTo(3);
        assertThat(stopsAt(3, 0, l)).isEqualTo(4);
        assertThat(stopsAt(4, 0, l)).isEqualTo(-1); // epoch 5 improves on 0.8
        // an improvement smaller than minDelta does not count
        assertThat(stopsAt(2, 0.25, 1.0, 0.9, 0.8, 0.7)).isEqualTo(2); // 0.8 is 0.2 below the best, not 0.25
        assertThat(stopsAt(2, 0.15, 1.0, 0.9, 0.8, 0.7)).isEqualTo(-1); // 0.8 is 0.2 below the best: an improvement
    }
}
