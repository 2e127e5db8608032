package dev.vecprop.train;

import dev.vecprop.io.CheckpointException;
import dev.vecprop.io.Safetensors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrainerTest {
    @TempDir
    Path dir;
    Path data;
    final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    final PrintStream out = new PrintStream(outBytes, true);

    @BeforeEach
    void data() throws IOException {
        data = Files.createDirectories(dir.resolve("synth"));
        SyntheticData.write(data, 600, 200, 8, 4, 1);
    }

    TrainConfig config() {
        TrainConfig c = new TrainConfig();
        c.dataDir = data;
        c.dataRoot = dir;
        c.arch = "64-32-16-4";
        c.epochs = 3;
        c.batch = 32;
        c.threads = 1;
        c.progress = false;
        return c;
    }

    float[] train(TrainConfig c) {
        try (DataSets d = DataSets.open(c, out); Trainer t = new Trainer(c, d, out, out)) {
            Trainer.Result r = t.run();
            assertThat(r.last().accuracy()).isGreaterThan(0.9);
            return t.model().params().values().clone();
        }
    }

    @Test
    void learnsAndIsDeterministicForAnyThreadCount() {
        float[] a = train(config());
        float[] b = train(config());
        TrainConfig two = config();
        two.threads = 2;
        float[] c = train(two);
        assertThat(b).containsExactly(a);
        assertThat(c).containsExactly(a);
        TrainConfig other = config();
        other.seed = 5;
        assertThat(train(other)).isNotEqualTo(a);
    }

    @Test
    void resumeFromAMidEpochCheckpointIsBitIdenticalToTheUninterruptedRun() {
        TrainConfig full = config();
        full.dropout = 0.1;
        float[] uninterrupted = train(full);

        TrainConfig part = config();
        part.dropout = 0.1;
        part.save = dir.resolve("ck.safetensors");
        part.maxSteps = 25; // 600/32 = 19 steps per epoch: stops in epoch 2, batch 6
        try (DataSets d = DataSets.open(part, out); Trainer t = new Trainer(part, d, out, out)) {
            t.run();
        }
        Checkpoint.TrainState st = Checkpoint.state(part.save, Checkpoint.read(part.save));
        assertThat(st.epoch()).isEqualTo(1);
        assertThat(st.stepInEpoch()).isEqualTo(6);
        assertThat(st.globalStep()).isEqualTo(25);

        TrainConfig resumed = config();
        resumed.dropout = 0.1;
        resumed.resume = part.save;
        assertThat(train(resumed)).containsExactly(uninterrupted);
    }

    @Test
    void checkpointRoundTripsAndRejectsAMismatchedModel() {
        TrainConfig c = config();
        c.save = dir.resolve("m.safetensors");
        float[] w = train(c);
        Safetensors.Contents contents = Checkpoint.read(c.save);
        assertThat(contents.metadata()).containsEntry("vecprop.arch", "mlp 64-32-16-4 act=relu dropout=0.0 batchnorm=false");
        dev.vecprop.layer.Sequential m = ModelSpec.decode(contents.metadata().get("vecprop.arch")).build();
        Checkpoint.loadInto(c.save, contents, m);
        assertThat(m.params().values()).containsExactly(w);
        dev.vecprop.layer.Sequential other = ModelSpec.parse("64-32-8-4", "relu", 0, false).build();
        assertThatThrownBy(() -> Checkpoint.loadInto(c.save, contents, other)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("tensor 2.weight has shape [16, 32], the model expects [8, 32]");
    }

    @Test
    void divergenceStopsAtTheStepAndKeepsTheLastGoodCheckpoint() {
        TrainConfig c = config();
        c.optimizer = "sgd";
        c.lr = 1e35; // the first step leaves finite but huge weights; the second forward overflows
        c.schedule = "constant";
        c.save = dir.resolve("good.safetensors");
        c.checkpointEvery = 1;
        try (DataSets d = DataSets.open(c, out); Trainer t = new Trainer(c, d, out, out)) {
            assertThatThrownBy(t::run).isInstanceOf(TrainingDivergedException.class)
                    .hasMessageContaining("step 2 (epoch 1, batch 2)")
                    .hasMessageContaining("the last good checkpoint is kept at " + c.save)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
        Safetensors.Contents ck = Checkpoint.read(c.save);
        assertThat(Checkpoint.state(c.save, ck).globalStep()).isEqualTo(1);
        dev.vecprop.layer.Sequential m = ModelSpec.decode(ck.metadata().get("vecprop.arch")).build();
        Checkpoint.loadInto(c.save, ck, m); // complete and finite

        TrainConfig skip = config();
        skip.optimizer = "sgd";
        skip.lr = 1e35;
        skip.schedule = "constant";
        skip.skipNonFinite = true;
        skip.epochs = 1;
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        try (DataSets d = DataSets.open(skip, out); Trainer t = new Trainer(skip, d, out, new PrintStream(errBytes, true))) {
            t.run();
        }
        assertThat(errBytes.toString()).contains("step 2 (epoch 1, batch 2): loss is").contains("step skipped");
    }
}
