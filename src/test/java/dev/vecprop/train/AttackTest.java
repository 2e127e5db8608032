package dev.vecprop.train;

import dev.vecprop.layer.Context;
import dev.vecprop.layer.Sequential;
import dev.vecprop.layer.Workspace;
import dev.vecprop.loss.SoftmaxCrossEntropy;
import dev.vecprop.loss.Targets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.vecprop.data.DataFiles;
import dev.vecprop.data.IdxDataset;
import dev.vecprop.optim.LrSchedule;

import static org.assertj.core.api.Assertions.assertThat;

class AttackTest {
    @TempDir
    Path dir;

    @Test
    void attacksRaiseTheLossStayInTheBallAndThePixelRangeAndLeaveGradientsAlone() throws IOException {
        Path data = Files.createDirectories(dir.resolve("d"));
        SyntheticData.write(data, 600, 200, 8, 4, 1);
        DataFiles f = DataFiles.locate(data, dir.resolve("cache"));
        try (IdxDataset train = f.openTrain(4); IdxDataset test = f.openTest(4)) {
            double[] ms = train.pixelStats(); // trained on (x - mean)/std inputs, as the attacks below see them
            train.normalize((float) ms[0], (float) ms[1]);
            Sequential m = ModelSpec.parse("64-32-4", "relu", 0, false).build();
            Trainer.builder().epochs(3).threads(1).schedule(LrSchedule.cosine(1e-3f, 0f, 3)).build().fit(m, train);
            DataSetsView d = new DataSetsView(test);
            float mean = 0.3f;
            float std = 0.4f;
            d.test().normalize(mean, std);
            int n = 50;
            float[] x = new float[n * 64];
            int[] y = new int[n];
            d.test().gather(null, 0, n, x, 0, y, 0);
            Workspace ws = m.workspace(n);
            Context ctx = Context.training(1);
            SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
            Targets tg = Targets.labels(y, 0);
            float[] grad = new float[x.length];
            float[] gradsBefore = m.params().grads().clone();
            double clean = Attack.inputGradient(m, ws, ctx, loss, x, n, tg, grad);
            assertThat(m.params().grads()).as("crafting leaves parameter gradients alone").containsExactly(gradsBefore);
            assertThat(ctx.training()).isTrue();
            for (String kind : new String[]{"fgsm", "pgd"}) {
                Attack a = Attack.parse(kind, 0.1, 5, 0.03);
                float[] adv = new float[x.length];
                a.craft(m, ws, ctx, loss, x, n, tg, mean, std, adv, grad, 7);
                double attacked = Attack.inputGradient(m, ws, ctx, loss, adv, n, tg, grad);
                assertThat(attacked).as(kind + " raises the loss").isGreaterThan(clean * 1.2);
                for (int i = 0; i < x.length; i++) {
                    float p = adv[i] * std + mean;     // back to pixel units
                    float p0 = x[i] * std + mean;
                    assertThat(p).isBetween(-1e-6f, 1f + 1e-6f);
                    assertThat(Math.abs(p - p0)).isLessThanOrEqualTo(0.1f + 1e-5f);
                }
                float[] again = new float[x.length];
                a.craft(m, ws, ctx, loss, x, n, tg, mean, std, again, grad, 7);
                assertThat(again).as(kind + " is deterministic under a seed").containsExactly(adv);
            }
        }
    }

    @Test
    void adversarialTrainingIsDeterministic() throws IOException {
        Path data = Files.createDirectories(dir.resolve("d2"));
        SyntheticData.write(data, 400, 100, 8, 4, 3);
        float[][] w = new float[2][];
        for (int r = 0; r < 2; r++) {
            DataFiles f = DataFiles.locate(data, dir.resolve("cache" + r));
            try (IdxDataset train = f.openTrain(4); IdxDataset test = f.openTest(4)) {
                Sequential m = ModelSpec.parse("64-32-4", "relu", 0, false).build();
                FitResult res = Trainer.builder().epochs(2).threads(1 + r) // also across thread counts
                        .adversarial(Attack.parse("pgd", 0.1, 3, 0.04), 0.5).validation(test).build().fit(m, train);
                assertThat(res.epochs()).allSatisfy(e -> assertThat(e.robust()).isNotNull());
                w[r] = m.params().values().clone();
            }
        }
        assertThat(w[1]).containsExactly(w[0]);
    }

    private record DataSetsView(IdxDataset test) {}
}
