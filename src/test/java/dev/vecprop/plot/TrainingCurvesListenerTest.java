package dev.vecprop.plot;

import dev.vecprop.ConfigException;
import dev.vecprop.data.ArrayDataSource;
import dev.vecprop.layer.Linear;
import dev.vecprop.layer.ReLU;
import dev.vecprop.layer.Sequential;
import dev.vecprop.layer.Shape;
import dev.vecprop.train.EpochEvent;
import dev.vecprop.train.FitResult;
import dev.vecprop.train.Trainer;
import dev.vecprop.train.TrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrainingCurvesListenerTest {
    @TempDir
    Path dir;

    @Test
    void redrawsTheFileAfterEveryEpochWithTheEpochsMetrics() throws Exception {
        int n = 120;
        SplittableRandom r = new SplittableRandom(3);
        float[] x = new float[n * 6];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(2);
            for (int j = 0; j < 6; j++) {
                x[i * 6 + j] = (float) (r.nextGaussian() * 0.5 + (j % 2 == y[i] ? 1 : 0));
            }
        }
        Path svg = dir.resolve("curves.svg");
        TrainingCurvesListener curves = new TrainingCurvesListener(svg, "tiny");
        List<Integer> pointsOnDisk = new ArrayList<>();
        TrainingListener reader = new TrainingListener() {
            @Override
            public void onEpochEnd(EpochEvent e) {
                try {
                    SvgXml s = new SvgXml(Files.readString(svg));
                    pointsOnDisk.add(s.all("rect", "marker validation").size() / 2); // one per epoch in each panel
                } catch (Exception ex) {
                    throw new AssertionError(ex);
                }
            }
        };
        FitResult res = Trainer.builder().epochs(3).batchSize(16).threads(1).learningRate(0.01).validationSplit(0.25)
                .listener(curves).listener(reader).build()
                .fit(new Sequential(Shape.of(6), new Linear(6, 8), new ReLU(), new Linear(8, 2)),
                        ArrayDataSource.labeled(x, Shape.of(6), y, 2));
        assertThat(pointsOnDisk).containsExactly(1, 2, 3);
        assertThat(curves.points()).hasSize(3);
        for (int e = 0; e < 3; e++) {
            EpochPoint p = curves.points().get(e);
            assertThat(p.epoch()).isEqualTo(e + 1);
            assertThat(p.trainLoss()).isEqualTo(res.epochs().get(e).trainLoss());
            assertThat(p.validationLoss()).isEqualTo(res.epochs().get(e).validation().loss());
            assertThat(p.validationAccuracy()).isEqualTo(res.epochs().get(e).validation().accuracy());
        }
        assertThat(Files.readString(svg)).contains("tiny");
    }

    @Test
    void needsAFileAndATitle() {
        assertThatThrownBy(() -> new TrainingCurvesListener(null, "t")).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> new TrainingCurvesListener(dir.resolve("a.svg"), null)).isInstanceOf(ConfigException.class);
    }
}
