package dev.vecprop.train;

import dev.vecprop.ConfigException;
import dev.vecprop.data.DataFiles;
import dev.vecprop.data.IdxDataset;
import dev.vecprop.io.CheckpointException;
import dev.vecprop.io.Safetensors;
import dev.vecprop.layer.Sequential;
import dev.vecprop.optim.LrSchedule;
import dev.vecprop.optim.SGD;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrainerTest {
    @TempDir
    Path dir;
    IdxDataset train;
    IdxDataset test;

    @BeforeEach
    void data() throws IOException {
        Path data = Files.createDirectories(dir.resolve("synth"));
        SyntheticData.write(data, 600, 200, 8, 4, 1);
        DataFiles f = DataFiles.locate(data, dir.resolve("cache"));
        train = f.openTrain(4);
        test = f.openTest(4);
    }

    @AfterEach
    void close() {
        train.close();
        test.close();
    }

    static Sequential mlp(double dropout) {
        return ModelSpec.parse("64-32-16-4", "relu", dropout, false).build();
    }

    Trainer.Builder builder() {
        return Trainer.builder().epochs(3).batchSize(32).threads(1).validation(test)
                .schedule(LrSchedule.cosine(1e-3f, 0f, 3));
    }

    float[] train(Trainer.Builder b, Sequential m) {
        FitResult r = b.build().fit(m, train);
        assertThat(r.last().validation().accuracy()).isGreaterThan(0.9);
        return m.params().values().clone();
    }

    @Test
    void learnsAndIsDeterministicForAnyThreadCount() {
        float[] a = train(builder(), mlp(0));
        float[] b = train(builder(), mlp(0));
        float[] c = train(builder().threads(2), mlp(0));
        assertThat(b).containsExactly(a);
        assertThat(c).containsExactly(a);
        assertThat(train(builder().seed(5), mlp(0))).isNotEqualTo(a);
    }

    @Test
    void resumeFromAMidEpochCheckpointIsBitIdenticalToTheUninterruptedRun() {
        float[] uninterrupted = train(builder(), mlp(0.1));
        Path ck = dir.resolve("ck.safetensors");
        // 600/32 = 19 steps per epoch: stops in epoch 2, batch 6
        FitResult part = builder().checkpoint(ck, 0).maxSteps(25).build().fit(mlp(0.1), train);
        assertThat(part.stopReason()).contains("step limit 25");
        Checkpoint.TrainState st = Checkpoint.state(ck, Checkpoint.read(ck));
        assertThat(st.epoch()).isEqualTo(1);
        assertThat(st.stepInEpoch()).isEqualTo(6);
        assertThat(st.globalStep()).isEqualTo(25);
        assertThat(train(builder().resumeFrom(ck), mlp(0.1))).containsExactly(uninterrupted);
    }

    @Test
    void resumeRejectsSettingsThatChangeTheScheduleOrTheModel() {
        Path ck = dir.resolve("ck.safetensors");
        builder().checkpoint(ck, 0).maxSteps(5).build().fit(mlp(0), train);
        assertThatThrownBy(() -> builder().epochs(4).resumeFrom(ck).build().fit(mlp(0), train))
                .isInstanceOf(ConfigException.class).hasMessageContaining("epochs=3 (this fit: epochs=4)");
        assertThatThrownBy(() -> builder().schedule(LrSchedule.constant(0.1f)).resumeFrom(ck).build().fit(mlp(0), train))
                .isInstanceOf(ConfigException.class).hasMessageContaining("schedule=cosine");
        Sequential tanh = ModelSpec.parse("64-32-16-4", "tanh", 0, false).build();
        assertThatThrownBy(() -> builder().resumeFrom(ck).build().fit(tanh, train))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("layer 1 is ReLU{} in the file, Tanh{} in this model");
        Path weights = dir.resolve("w.safetensors");
        Checkpoint.save(weights, mlp(0));
        assertThatThrownBy(() -> builder().resumeFrom(weights).build().fit(mlp(0), train))
                .isInstanceOf(ConfigException.class).hasMessageContaining("has no training state");
        assertThatThrownBy(() -> builder().seed(4).resumeFrom(ck).build().fit(mlp(0), train))
                .isInstanceOf(ConfigException.class).hasMessageContaining("was trained with seed 0, this fit uses seed 4");
        train.normalize(0.1f, 0.5f);
        assertThatThrownBy(() -> builder().resumeFrom(ck).build().fit(mlp(0), train))
                .isInstanceOf(ConfigException.class).hasMessageContaining("normalised as");
    }

    /** Training-state values a fit cannot have are the file's fault, named, before any step. */
    @Test
    void resumeRejectsATrainingStateOutOfRange() {
        Path ck = dir.resolve("ck.safetensors");
        builder().checkpoint(ck, 0).maxSteps(5).build().fit(mlp(0), train);
        Safetensors.Contents c = Checkpoint.read(ck);
        String[][] cases = {
            {"vecprop.step_in_epoch", "1000000", "does not fit this fit's 3 epochs of 19 steps"},
            {"vecprop.epoch", "50", "does not fit this fit's 3 epochs"},
            {"vecprop.optim.steps", "-3", "vecprop.optim.steps is -3"},
            {"vecprop.optim.steps", "900", "exceeds the global step 5"},
            {"vecprop.global_step", "-1", "vecprop.global_step is -1, expected 0.."},
            {"vecprop.epoch", "one", "vecprop.epoch is not an integer"},
            {"vecprop.optimizer", null, "vecprop.optimizer is missing"},
            {"vecprop.seed", null, "vecprop.seed is missing"},
        };
        for (String[] k : cases) {
            java.util.Map<String, String> meta = new java.util.LinkedHashMap<>(c.metadata());
            if (k[1] == null) {
                meta.remove(k[0]);
            } else {
                meta.put(k[0], k[1]);
            }
            Path bad = dir.resolve("bad.safetensors");
            Safetensors.write(bad, c.tensors(), meta);
            assertThatThrownBy(() -> builder().resumeFrom(bad).build().fit(mlp(0), train)).as(k[0] + "=" + k[1])
                    .isInstanceOf(CheckpointException.class).hasMessageContaining(k[2]).hasMessageContaining("bad.safetensors");
        }
    }

    @Test
    void checkpointDescribesItsModelAndRejectsAMismatchedOne() {
        Path ck = dir.resolve("m.safetensors");
        Sequential m = mlp(0);
        float[] w = train(builder().checkpoint(ck, 0), m);
        Checkpoint.Loaded l = Checkpoint.load(ck);
        assertThat(l.model().summary()).isEqualTo(m.summary());
        assertThat(l.model().params().values()).containsExactly(w);
        Safetensors.Contents c = Checkpoint.read(ck);
        assertThat(c.metadata()).containsEntry("vecprop.format", "2").containsKey("vecprop.model");
        assertThat(c.tensors()).containsKey("optimizer.exp_avg.0.weight").containsKey("optimizer.exp_avg_sq.4.bias");
        assertThat(c.metadata().keySet()).noneMatch(k -> k.startsWith("vecprop.optim.exp"));
        Sequential other = ModelSpec.parse("64-32-8-4", "relu", 0, false).build();
        assertThatThrownBy(() -> Checkpoint.loadWeights(ck, other)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("layer 2 is Linear{in=32, out=16, bias=true} in the file");
    }

    @Test
    void divergenceStopsAtTheStepAndKeepsTheLastGoodCheckpoint() {
        Path ck = dir.resolve("good.safetensors");
        // the first step leaves finite but huge weights; the second forward overflows
        Trainer.Builder b = Trainer.builder().epochs(3).batchSize(32).threads(1).optimizer(SGD.options())
                .learningRate(1e35);
        assertThatThrownBy(() -> b.checkpoint(ck, 1).build().fit(mlp(0), train))
                .isInstanceOf(TrainingDivergedException.class)
                .hasMessageContaining("step 2 (epoch 1, batch 2)")
                .hasMessageContaining("the last good checkpoint is kept at " + ck)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        Safetensors.Contents c = Checkpoint.read(ck);
        assertThat(Checkpoint.state(ck, c).globalStep()).isEqualTo(1);
        Checkpoint.load(ck); // complete and finite

        List<String> skipped = new ArrayList<>();
        FitResult r = Trainer.builder().epochs(1).batchSize(32).threads(1).optimizer(SGD.options()).learningRate(1e35)
                .skipNonFinite(true).listener(new TrainingListener() {
                    @Override
                    public void onStepSkipped(String message) {
                        skipped.add(message);
                    }
                }).build().fit(mlp(0), train);
        assertThat(skipped).isNotEmpty();
        assertThat(skipped.get(0)).startsWith("step 2 (epoch 1, batch 2): loss is");
        assertThat(r.globalSteps()).isEqualTo(19);
    }
}
