package dev.vecprop.plot;

import dev.vecprop.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrainingCurvesTest {
    @TempDir
    Path dir;

    static List<EpochPoint> run(int n) {
        List<EpochPoint> p = new ArrayList<>();
        for (int e = 1; e <= n; e++) {
            double val = 0.5 / e + (e >= 4 ? 0.05 * (e - 3) : 0); // validation loss best at epoch 3
            p.add(new EpochPoint(e, 1.0 / e, 1 - 0.3 / e, val, 0.8 + 0.02 * e));
        }
        return p;
    }

    @Test
    void drawsOnePointPerEpochForEachSeriesInBothPanels() throws Exception {
        List<EpochPoint> pts = run(6);
        SvgXml svg = new SvgXml(new TrainingCurves("mlp on mnist", pts).svg());
        List<Element> train = svg.all("polyline", "line train");
        List<Element> val = svg.all("polyline", "line validation");
        assertThat(train).hasSize(2);
        assertThat(val).hasSize(2);
        for (Element e : Stream.concat(train.stream(), val.stream()).toList()) {
            double[] xy = SvgXml.points(e);
            assertThat(xy).hasSize(2 * pts.size());
            for (int i = 1; i < pts.size(); i++) {
                assertThat(xy[2 * i]).as("x grows with the epoch").isGreaterThan(xy[2 * i - 2]);
            }
        }
        // loss panel (first): lower loss is drawn lower on the page only if y grows downwards: compare orders
        double[] trainLoss = SvgXml.points(train.get(0));
        double[] valLoss = SvgXml.points(val.get(0));
        for (int i = 0; i < pts.size(); i++) {
            for (int j = 0; j < pts.size(); j++) {
                assertThat(Double.compare(trainLoss[2 * i + 1], trainLoss[2 * j + 1]))
                        .isEqualTo(-Double.compare(pts.get(i).trainLoss(), pts.get(j).trainLoss()));
                assertThat(Double.compare(valLoss[2 * i + 1], valLoss[2 * j + 1]))
                        .isEqualTo(-Double.compare(pts.get(i).validationLoss(), pts.get(j).validationLoss()));
            }
        }
        // accuracy panel (second) is right of the loss panel
        assertThat(SvgXml.points(train.get(1))[0]).isGreaterThan(trainLoss[2 * pts.size() - 2]);
        assertThat(String.join(" ", svg.texts())).contains("mlp on mnist", "epoch", "loss", "accuracy (%)",
                "best validation: epoch 3");
    }

    @Test
    void theBestValidationEpochIsTheLowestLossThenTheHighestAccuracyEarliestOnTies() {
        assertThat(new TrainingCurves("t", run(6)).bestValidationEpoch()).hasValue(3);
        List<EpochPoint> accOnly = List.of(new EpochPoint(1, 1, 0.5, Double.NaN, 0.7),
                new EpochPoint(2, 1, 0.5, Double.NaN, 0.9), new EpochPoint(3, 1, 0.5, Double.NaN, 0.9));
        assertThat(new TrainingCurves("t", accOnly).bestValidationEpoch()).hasValue(2);
        assertThat(new TrainingCurves("t", List.of(EpochPoint.trainOnly(1, 0.3, 0.9))).bestValidationEpoch()).isEmpty();
    }

    @Test
    void withoutValidationOnlyTheTrainingSeriesAreDrawn() throws Exception {
        List<EpochPoint> pts = List.of(EpochPoint.trainOnly(1, 0.9, 0.6), EpochPoint.trainOnly(2, 0.5, 0.8));
        SvgXml svg = new SvgXml(new TrainingCurves("t", pts).svg());
        assertThat(svg.all("polyline", "line train")).hasSize(2);
        assertThat(svg.all("polyline", "line validation")).isEmpty();
        assertThat(String.join(" ", svg.texts())).doesNotContain("best validation");
    }

    @Test
    void absentAndNonFiniteValuesAreLeftOutNotDrawnAsNaN() throws Exception {
        List<EpochPoint> pts = List.of(new EpochPoint(1, 0.9, Double.NaN, Double.POSITIVE_INFINITY, Double.NaN),
                new EpochPoint(2, Double.NaN, Double.NaN, 0.4, Double.NaN), new EpochPoint(3, 0.3, Double.NaN, 1e301, Double.NaN));
        String s = new TrainingCurves("regression", pts).svg();
        new SvgXml(s);
        assertThat(s).doesNotContain("NaN").doesNotContain("Infinity");
        assertThat(new TrainingCurves("t", List.of()).svg()).contains("no data");
    }

    @Test
    void anyTitleIsEscapedAndALongOneIsFittedToTheWidth() throws Exception {
        String nasty = "<script>&\"quotes\" 'and' ]]> \u00e9\u4e2d";
        SvgXml svg = new SvgXml(new TrainingCurves(nasty, run(2)).svg());
        assertThat(svg.texts().get(0)).isEqualTo(nasty);
        String longTitle = "convnet ".repeat(40) + "on fashion-mnist";
        SvgXml l = new SvgXml(new TrainingCurves(longTitle, run(2)).svg());
        Element title = svg.all("text", null).get(0);
        Element fitted = l.all("text", null).get(0);
        double font = Double.parseDouble(fitted.getAttribute("font-size"));
        assertThat(TextWidth.ofBold(fitted.getTextContent(), font)).isLessThanOrEqualTo(TrainingCurves.WIDTH - 40);
        assertThat(fitted.getTextContent()).endsWith("\u2026").startsWith("convnet convnet");
        assertThat(title.getAttribute("font-weight")).isEqualTo("bold");
    }

    @Test
    void rejectsNullsAndEpochsThatDoNotIncrease() {
        assertThatThrownBy(() -> new TrainingCurves(null, run(2))).isInstanceOf(ConfigException.class).hasMessageContaining("title");
        assertThatThrownBy(() -> new TrainingCurves("t", null)).isInstanceOf(ConfigException.class).hasMessageContaining("points");
        List<EpochPoint> withNull = new ArrayList<>(run(2));
        withNull.add(null);
        assertThatThrownBy(() -> new TrainingCurves("t", withNull)).isInstanceOf(ConfigException.class).hasMessageContaining("point 2");
        List<EpochPoint> back = List.of(EpochPoint.trainOnly(2, 1, 1), EpochPoint.trainOnly(2, 1, 1));
        assertThatThrownBy(() -> new TrainingCurves("t", back)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("epochs must increase");
    }

    @Test
    void writeReplacesTheFileAtomicallyAndLeavesNoTemporaryFiles() throws Exception {
        Path f = dir.resolve("curves.svg");
        new TrainingCurves("first", run(2)).write(f);
        new TrainingCurves("second", run(3)).write(f);
        assertThat(Files.readString(f)).contains("second").doesNotContain("first");
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.toList()).containsExactly(f);
        }
        Path missing = dir.resolve("no-such-dir").resolve("c.svg");
        assertThatThrownBy(() -> new TrainingCurves("t", run(2)).write(missing)).isInstanceOf(IOException.class);
        Path aDir = Files.createDirectory(dir.resolve("adir"));
        assertThatThrownBy(() -> new TrainingCurves("t", run(2)).write(aDir)).isInstanceOf(IOException.class);
        assertThat(Files.isDirectory(aDir)).isTrue();
    }
}
