package dev.vecprop.train;

import dev.vecprop.ConfigException;
import dev.vecprop.data.DataFiles;
import dev.vecprop.data.IdxDataset;
import dev.vecprop.data.Normalization;
import dev.vecprop.io.CheckpointException;
import dev.vecprop.layer.Sequential;
import dev.vecprop.loss.SoftmaxCrossEntropy;
import dev.vecprop.optim.Adam;
import dev.vecprop.optim.LrSchedule;
import dev.vecprop.optim.SGD;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The public step API that data-parallel trainers build on: the trainer's step taken apart. */
class TrainingStepTest {
    static final int EPOCHS = 2;
    static final int BATCH = 32;
    static final LrSchedule SCHEDULE = LrSchedule.cosine(1e-3f, 0f, EPOCHS);

    @TempDir
    Path dir;
    IdxDataset train;

    @BeforeEach
    void data() throws IOException {
        Path data = Files.createDirectories(dir.resolve("synth"));
        SyntheticData.write(data, 600, 20, 8, 4, 1);
        train = DataFiles.locate(data, dir.resolve("cache")).openTrain(4);
    }

    @AfterEach
    void close() {
        train.close();
    }

    float[] fit(double dropout) {
        Sequential m = TrainerTest.mlp(dropout);
        Trainer.builder().epochs(EPOCHS).batchSize(BATCH).threads(1).schedule(SCHEDULE).seed(3).build().fit(m, train);
        return m.params().values().clone();
    }

    /** The trainer's loop over whole batches, through the step API; {@code shares} splits every batch. */
    float[] loop(double dropout, int shares, long stopAfter, Path resume, Path save) {
        Sequential m = TrainerTest.mlp(dropout);
        int n = train.size();
        long stepsPerEpoch = (n + BATCH - 1) / BATCH;
        int[] order = new int[n];
        try (TrainingStep s = TrainingStep.of(m, train, new SoftmaxCrossEntropy(), Adam.options(), 2, 3)) {
            long global = 0;
            if (resume != null) {
                global = Checkpoint.restoreTraining(resume, Checkpoint.read(resume), m, s.optimizer()).globalStep();
            }
            for (int epoch = 0; epoch < EPOCHS; epoch++) {
                Shuffle.permutation(order, 3, epoch, true);
                for (long step = 0; step < stepsPerEpoch; step++) {
                    if (epoch * stepsPerEpoch + step < global) {
                        continue;
                    }
                    int from = (int) (step * BATCH);
                    int bs = Math.min(BATCH, n - from);
                    for (int k = 0; k < shares; k++) {
                        int a = from + bs * k / shares;
                        int b = from + bs * (k + 1) / shares;
                        s.accumulate(order, from, bs, a, b - a, epoch * stepsPerEpoch + step);
                    }
                    s.apply(SCHEDULE.lr(epoch, step, stepsPerEpoch));
                    if (epoch * stepsPerEpoch + step + 1 == stopAfter) {
                        Checkpoint.saveTraining(save, m, Normalization.NONE, Map.of("test.note", "mid-run"),
                                new Checkpoint.TrainState(epoch, step + 1, stopAfter, 3, s.optimizer().describe(), null),
                                s.optimizer());
                        return m.params().values().clone();
                    }
                }
            }
        }
        return m.params().values().clone();
    }

    @Test
    void wholeBatchesAreBitIdenticalToTheTrainerWithDropout() {
        assertThat(loop(0.2, 1, -1, null, null)).containsExactly(fit(0.2));
    }

    @Test
    void sharesOfEachBatchGiveTheTrainersWeightsToFloatRounding() {
        float[] want = fit(0);
        float[] got = loop(0, 3, -1, null, null);
        double maxDiff = 0;
        for (int i = 0; i < want.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(want[i] - got[i]));
        }
        assertThat(maxDiff).isLessThan(1e-5).isGreaterThanOrEqualTo(0);
        assertThat(loop(0, 3, -1, null, null)).containsExactly(got);
    }

    @Test
    void gradientsFromSeveralProcessesAddUpToTheBatchGradient() {
        int[] order = new int[train.size()];
        Shuffle.permutation(order, 3, 0, true);
        Sequential whole = TrainerTest.mlp(0);
        Sequential a = TrainerTest.mlp(0);
        Sequential b = TrainerTest.mlp(0);
        try (TrainingStep sw = TrainingStep.of(whole, train, new SoftmaxCrossEntropy(), SGD.options(), 1, 0);
             TrainingStep sa = TrainingStep.of(a, train, new SoftmaxCrossEntropy(), SGD.options(), 1, 0);
             TrainingStep sb = TrainingStep.of(b, train, new SoftmaxCrossEntropy(), SGD.options(), 1, 0)) {
            double lw = sw.accumulate(order, 64, 100, 64, 100, 2);
            double la = sa.accumulate(order, 64, 100, 64, 37, 2);
            double lb = sb.accumulate(order, 64, 100, 101, 63, 2);
            assertThat(la + lb).isCloseTo(lw, org.assertj.core.data.Offset.offset(1e-6));
            float[] g = sw.params().grads();
            float[] ga = sa.params().grads();
            float[] gb = sb.params().grads();
            for (int i = 0; i < g.length; i++) {
                assertThat((double) ga[i] + gb[i]).isCloseTo(g[i], org.assertj.core.data.Offset.offset(1e-6));
            }
            assertThat(sa.seen() + sb.seen()).isEqualTo(100);
            assertThat(sa.params().values()).containsExactly(whole.params().values()); // nothing updated
            // apply: the update from the summed gradient, gradients zeroed
            for (int i = 0; i < ga.length; i++) {
                ga[i] = g[i];
            }
            sa.apply(0.1f);
            sw.apply(0.1f);
            assertThat(sa.params().values()).containsExactly(sw.params().values()).isNotEqualTo(b.params().values());
            assertThat(sa.params().grads()).containsOnly(0f);
            assertThat(sa.optimizer().steps()).isEqualTo(1);
        }
    }

    @Test
    void aSavedTrainingStateResumesBitIdentically() {
        Path ck = dir.resolve("ck.safetensors");
        float[] uninterrupted = loop(0, 2, -1, null, null);
        float[] part = loop(0, 2, 25, null, ck);
        assertThat(part).isNotEqualTo(uninterrupted);
        assertThat(Checkpoint.read(ck).metadata()).containsEntry("test.note", "mid-run");
        assertThat(loop(0, 2, -1, ck, null)).containsExactly(uninterrupted);
    }

    @Test
    void restoringNeedsTheSameOptimizerAndATrainingState() {
        Path ck = dir.resolve("ck.safetensors");
        loop(0, 1, 3, null, ck);
        Sequential m = TrainerTest.mlp(0);
        try (TrainingStep s = TrainingStep.of(m, train, new SoftmaxCrossEntropy(), SGD.options(), 1, 0)) {
            assertThatThrownBy(() -> Checkpoint.restoreTraining(ck, Checkpoint.read(ck), m, s.optimizer()))
                    .isInstanceOf(CheckpointException.class).hasMessageContaining("was trained with Adam");
        }
        Path weights = dir.resolve("w.safetensors");
        Checkpoint.save(weights, m);
        try (TrainingStep s = TrainingStep.of(m, train, new SoftmaxCrossEntropy(), Adam.options(), 1, 0)) {
            assertThatThrownBy(() -> Checkpoint.restoreTraining(weights, Checkpoint.read(weights), m, s.optimizer()))
                    .isInstanceOf(CheckpointException.class).hasMessageContaining("no training state");
        }
    }

    @Test
    void aShareOutsideItsBatchIsRefused() {
        Sequential m = TrainerTest.mlp(0);
        try (TrainingStep s = TrainingStep.of(m, train, new SoftmaxCrossEntropy(), SGD.options(), 1, 0)) {
            assertThatThrownBy(() -> s.accumulate(null, 0, 32, 20, 13, 0))
                    .isInstanceOf(ConfigException.class).hasMessage("accumulate: share [20, 33) must lie in the batch [0, 32) of 600 positions");
            assertThatThrownBy(() -> s.accumulate(null, 590, 32, 590, 1, 0)).isInstanceOf(ConfigException.class);
        }
        assertThatThrownBy(() -> TrainingStep.of(m, train, null, SGD.options(), 1, 0))
                .isInstanceOf(ConfigException.class).hasMessage("TrainingStep: the loss must not be null");
    }
}
