package dev.vecprop.plot;

import dev.vecprop.ConfigException;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfusionMatrixHeatMapTest {
    static final long[][] M = {{50, 0, 0}, {5, 40, 5}, {0, 25, 25}};

    static double luminance(String hex) {
        int rgb = Integer.parseInt(hex.substring(1), 16);
        return 0.2126 * (rgb >> 16 & 255) + 0.7152 * (rgb >> 8 & 255) + 0.0722 * (rgb & 255);
    }

    @Test
    void drawsACellPerPairDarkerForALargerShareOfItsTrueClass() throws Exception {
        SvgXml svg = new SvgXml(new ConfusionMatrixHeatMap("acc", M, List.of("cat", "dog", "bird")).svg());
        List<Element> cells = svg.all("rect", "cell");
        assertThat(cells).hasSize(9);
        double[] share = new double[9];
        double[] lum = new double[9];
        for (int i = 0; i < 3; i++) {
            long row = 0;
            for (long v : M[i]) {
                row += v;
            }
            for (int j = 0; j < 3; j++) {
                share[3 * i + j] = (double) M[i][j] / row;
                lum[3 * i + j] = luminance(cells.get(3 * i + j).getAttribute("fill"));
            }
        }
        for (int a = 0; a < 9; a++) {
            for (int b = 0; b < 9; b++) {
                if (share[a] > share[b]) {
                    assertThat(lum[a]).as("cell %d (share %.2f) darker than cell %d (share %.2f)", a, share[a], b, share[b])
                            .isLessThan(lum[b]);
                }
            }
        }
        assertThat(cells.get(3).getTextContent()).isEqualTo("true dog, predicted cat: 5 (10.00% of true dog)");
        List<String> texts = svg.texts();
        assertThat(texts).contains("50", "40", "25", "cat", "dog", "bird", "predicted", "true", "100%", "0%");
    }

    @Test
    void anEmptyRowIsDrawnWithoutNaNAndIndicesNameTheClassesByDefault() throws Exception {
        long[][] m = {{3, 1}, {0, 0}};
        String s = new ConfusionMatrixHeatMap("t", m).svg();
        assertThat(s).doesNotContain("NaN");
        SvgXml svg = new SvgXml(s);
        assertThat(svg.all("rect", "cell")).hasSize(4);
        assertThat(svg.texts()).contains("0", "1", "3");
    }

    @Test
    void manyClassesStillGiveAWellFormedPictureWithoutCounts() throws Exception {
        int k = ConfusionMatrixHeatMap.MAX_CLASSES_WITH_COUNTS + 5;
        long[][] m = new long[k][k];
        for (int i = 0; i < k; i++) {
            m[i][i] = 100 + i;
            m[i][(i + 1) % k] = 7;
        }
        SvgXml svg = new SvgXml(new ConfusionMatrixHeatMap("big", m).svg());
        assertThat(svg.all("rect", "cell")).hasSize(k * k);
        assertThat(svg.texts()).doesNotContain("107");
    }

    @Test
    void longClassNamesAndTitlesAreFittedToTheCanvas() throws Exception {
        String title = "mlp 784-256-128-10 act=relu dropout=0.0 batchnorm=false on fashion-mnist: accuracy 88.49% on 10,000 samples";
        SvgXml svg = new SvgXml(new ConfusionMatrixHeatMap(title, M).svg());
        double width = Double.parseDouble(svg.doc.getDocumentElement().getAttribute("width"));
        Element t = svg.all("text", null).get(0);
        double font = Double.parseDouble(t.getAttribute("font-size"));
        assertThat(t.getTextContent()).isEqualTo(title);
        assertThat(TextWidth.ofBold(title, font)).isLessThanOrEqualTo(width);
        SvgXml named = new SvgXml(new ConfusionMatrixHeatMap("t", M, List.of("a".repeat(200), "b", "c")).svg());
        assertThat(named.texts()).anyMatch(s -> s.startsWith("aaaa") && s.endsWith("\u2026"));
    }

    @Test
    void rejectsMatricesThatAreNotConfusionMatrices() {
        assertThatThrownBy(() -> new ConfusionMatrixHeatMap("t", null)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("null");
        assertThatThrownBy(() -> new ConfusionMatrixHeatMap("t", new long[0][0])).isInstanceOf(ConfigException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> new ConfusionMatrixHeatMap("t", new long[][]{{1, 2}, {3}})).isInstanceOf(ConfigException.class)
                .hasMessageContaining("not square");
        assertThatThrownBy(() -> new ConfusionMatrixHeatMap("t", new long[][]{{1, -2}, {3, 4}})).isInstanceOf(ConfigException.class)
                .hasMessageContaining("negative");
        assertThatThrownBy(() -> new ConfusionMatrixHeatMap("t", M, List.of("a", "b"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("2 class names for 3 classes");
        assertThatThrownBy(() -> new ConfusionMatrixHeatMap("t", M, Collections.nCopies(3, null))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("class name 0");
        assertThatThrownBy(() -> new ConfusionMatrixHeatMap(null, M)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("title");
    }
}
