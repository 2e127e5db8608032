package dev.vecprop.plot;

import dev.vecprop.ConfigException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A confusion matrix as an SVG heat map: a k x k grid of square cells, rows = true class, columns =
 * predicted class, each cell coloured by its share of the row (a sequential white-to-blue scale from
 * 0% to 100%) and labelled with its count; class labels on both axes, the axis titles "predicted"
 * and "true", a caller-supplied title and a colour bar.
 *
 * <p>Cells are at most 52 user units (pixels) wide and the grid at most about 560 wide, with at
 * least 2 units per cell. Counts are printed only for k &lt;= {@value #MAX_CLASSES_WITH_COUNTS} and
 * shrink to fit the cell; class labels are thinned when cells are narrower than the labels' font;
 * each cell carries its count and share as a tooltip for k &lt;= {@value #MAX_CLASSES_WITH_TOOLTIPS}.
 * Rows with no samples are drawn at share 0. Instances are immutable; the output is the same bytes
 * for the same input.
 */
public final class ConfusionMatrixHeatMap {
    /** Largest number of classes for which counts are printed in the cells. */
    public static final int MAX_CLASSES_WITH_COUNTS = 30;
    /** Largest number of classes for which each cell has a tooltip (keeps large matrices small). */
    public static final int MAX_CLASSES_WITH_TOOLTIPS = 100;

    private static final double PAD = 16;
    private static final double TITLE_Y = 30;
    private static final double MATRIX_TOP = 58;
    private static final double AXIS_FONT = 13;
    private static final double MAX_LABEL_WIDTH = 140;
    private static final String AXIS_COLOUR = "#666666";

    private final String title;
    private final long[][] confusion;
    private final List<String> names;

    /**
     * A heat map with the class names "0" .. "k-1".
     *
     * @param title     the picture's title, e.g. {@code "accuracy 98.46% on 10,000 samples"}; any text (escaped)
     * @param confusion counts (samples), {@code confusion[trueClass][predictedClass]}; square, k &gt;= 1, non-negative
     * @throws ConfigException naming the problem, if the title or matrix is null or the matrix is not as above
     */
    public ConfusionMatrixHeatMap(String title, long[][] confusion) {
        this(title, confusion, null);
    }

    /**
     * A heat map with the given class names.
     *
     * @param title      the picture's title; any text (escaped)
     * @param confusion  counts (samples), {@code confusion[trueClass][predictedClass]}; square, k &gt;= 1, non-negative
     * @param classNames one name per class in class order (any text, escaped), or {@code null} for "0" .. "k-1"
     * @throws ConfigException naming the problem, if the title or matrix is null, the matrix is
     *                                  not square, empty or has a negative count, or the names do not match
     */
    public ConfusionMatrixHeatMap(String title, long[][] confusion, List<String> classNames) {
        if (title == null) {
            throw new ConfigException("title is null");
        }
        if (confusion == null) {
            throw new ConfigException("confusion matrix is null");
        }
        int k = confusion.length;
        if (k == 0) {
            throw new ConfigException("confusion matrix is empty: need at least 1 class");
        }
        long[][] copy = new long[k][];
        for (int i = 0; i < k; i++) {
            long[] row = confusion[i];
            if (row == null) {
                throw new ConfigException("confusion matrix row " + i + " is null");
            }
            if (row.length != k) {
                throw new ConfigException("confusion matrix is not square: row " + i + " has " + row.length
                        + " entries, expected " + k);
            }
            for (int j = 0; j < k; j++) {
                if (row[j] < 0) {
                    throw new ConfigException("confusion matrix has a negative count: [" + i + "][" + j
                            + "] = " + row[j]);
                }
            }
            copy[i] = row.clone();
        }
        List<String> n = new ArrayList<>(k);
        if (classNames == null) {
            for (int i = 0; i < k; i++) {
                n.add(Integer.toString(i));
            }
        } else {
            if (classNames.size() != k) {
                throw new ConfigException(classNames.size() + " class names for " + k + " classes");
            }
            for (int i = 0; i < k; i++) {
                if (classNames.get(i) == null) {
                    throw new ConfigException("class name " + i + " is null");
                }
                n.add(classNames.get(i));
            }
        }
        this.title = title;
        this.confusion = copy;
        this.names = List.copyOf(n);
    }

    /**
     * The number of classes.
     *
     * @return k, the matrix's side (classes)
     */
    public int classes() {
        return confusion.length;
    }

    /**
     * The class names, given or default.
     *
     * @return an unmodifiable list of k names in class order
     */
    public List<String> classNames() {
        return names;
    }

    /**
     * Writes {@link #svg()} to {@code file} atomically: into a temporary file in the same folder that
     * is then renamed over {@code file}, so a viewer that has the file open never reads a partial one.
     *
     * @param file the target path; its folder must exist
     * @throws IOException if the file cannot be written (the previous file, if any, is left intact)
     */
    public void write(Path file) throws IOException {
        AtomicWrite.write(file, svg());
    }

    /**
     * The picture as a standalone SVG 1.1 document.
     *
     * @return the document text (UTF-8 when stored), ending in a line break
     */
    public String svg() {
        int k = confusion.length;
        double cell = Math.max(2, Math.min(52, 560.0 / k));
        double side = k * cell;
        double labelFont = Math.max(7, Math.min(12, cell * 0.55));
        int every = Math.max(1, (int) Math.ceil(labelFont * 1.25 / cell - 1e-9));
        String[] shown = new String[k];
        double maxLabel = 0;
        for (int i = 0; i < k; i++) {
            if (i % every == 0) {
                shown[i] = TextWidth.fit(names.get(i), labelFont, MAX_LABEL_WIDTH);
                maxLabel = Math.max(maxLabel, TextWidth.of(shown[i], labelFont));
            }
        }
        boolean horizontal = every == 1 && maxLabel <= cell - 4;
        double diag = Math.sqrt(0.5);
        double colExtent = horizontal ? labelFont + 6 : (maxLabel + labelFont * 0.5) * diag + 10;

        // horizontal layout of the content, from x = 0
        double trueTitleX = PAD + AXIS_FONT;
        double mx = trueTitleX + 10 + maxLabel + 8;
        if (!horizontal) {
            mx = Math.max(mx, PAD + maxLabel * diag - cell / 2);
        }
        double barX = mx + side + 28;
        double barW = 16;
        double barH = Math.max(side, 160);
        double barLabelX = barX + barW + 7;
        double barTitleX = barLabelX + TextWidth.of("100%", 11) + 12 + AXIS_FONT * 0.8;
        double contentW = barTitleX + PAD;

        double titleFont = 16;
        while (titleFont > 11 && TextWidth.ofBold(title, titleFont) > Math.max(contentW, 1200) - 2 * PAD) {
            titleFont -= 0.5;
        }
        double titleW = TextWidth.ofBold(title, titleFont);
        double width = Math.min(Math.max(contentW, titleW + 2 * PAD), Math.max(contentW, 1200));
        double shift = (width - contentW) / 2;
        mx += shift;
        barX += shift;
        barLabelX += shift;
        barTitleX += shift;
        trueTitleX += shift;
        double my = MATRIX_TOP;
        double predictedY = my + side + colExtent + AXIS_FONT + 6;
        double height = Math.max(predictedY + 4, my + barH + 8) + PAD;

        SvgDocument d = new SvgDocument(width, height, title);
        d.text(width / 2, TITLE_Y, titleFont, "middle", 0, "font-weight=\"bold\"",
                TextWidth.fitBold(title, titleFont, width - 2 * PAD));

        // cells
        long maxCount = 0;
        for (long[] row : confusion) {
            for (long c : row) {
                maxCount = Math.max(maxCount, c);
            }
        }
        double countFont = 0;
        if (k <= MAX_CLASSES_WITH_COUNTS) {
            int digits = Long.toString(maxCount).length();
            countFont = Math.min(14, Math.min(cell * 0.42, (cell - 4) / (0.64 * digits)));
            if (countFont < 6) {
                countFont = 0;
            }
        }
        d.open("class=\"cells\" shape-rendering=\"crispEdges\"");
        for (int i = 0; i < k; i++) {
            double rowSum = 0;
            for (long c : confusion[i]) {
                rowSum += c;
            }
            for (int j = 0; j < k; j++) {
                long c = confusion[i][j];
                double share = rowSum > 0 ? c / rowSum : 0;
                String tip = k <= MAX_CLASSES_WITH_TOOLTIPS
                        ? "true " + names.get(i) + ", predicted " + names.get(j) + ": " + c + " ("
                        + NumberText.fixed(100 * share, 2) + "% of true " + names.get(i) + ")"
                        : null;
                d.rect(mx + j * cell, my + i * cell, cell, cell,
                        "fill=\"" + BlueScale.hex(BlueScale.rgb(share)) + "\" class=\"cell\"", tip);
            }
        }
        d.close();
        if (countFont > 0) {
            d.open("class=\"counts\"");
            for (int i = 0; i < k; i++) {
                double rowSum = 0;
                for (long c : confusion[i]) {
                    rowSum += c;
                }
                for (int j = 0; j < k; j++) {
                    long c = confusion[i][j];
                    int rgb = BlueScale.rgb(rowSum > 0 ? c / rowSum : 0);
                    d.text(mx + (j + 0.5) * cell, my + (i + 0.5) * cell + countFont * 0.36, countFont, "middle", 0,
                            "fill=\"" + BlueScale.textOn(rgb) + "\" class=\"count\"", Long.toString(c));
                }
            }
            d.close();
        }
        d.rect(mx, my, side, side, "fill=\"none\" stroke=\"" + AXIS_COLOUR + "\" stroke-width=\"1\"", null);

        // class labels and axis titles
        d.open("class=\"labels\"");
        for (int i = 0; i < k; i++) {
            if (shown[i] == null) {
                continue;
            }
            d.text(mx - 6, my + (i + 0.5) * cell + labelFont * 0.36, labelFont, "end", 0, "class=\"row-label\"", shown[i]);
            double cx = mx + (i + 0.5) * cell;
            if (horizontal) {
                d.text(cx, my + side + labelFont + 4, labelFont, "middle", 0, "class=\"column-label\"", shown[i]);
            } else {
                d.text(cx + labelFont * 0.3, my + side + 8, labelFont, "end", -45, "class=\"column-label\"", shown[i]);
            }
        }
        d.close();
        d.text(trueTitleX, my + side / 2, AXIS_FONT, "middle", -90, "font-weight=\"bold\"", "true");
        d.text(mx + side / 2, predictedY, AXIS_FONT, "middle", 0, "font-weight=\"bold\"", "predicted");

        // colour bar
        String[] stops = BlueScale.stops();
        StringBuilder g = new StringBuilder(
                "<defs><linearGradient id=\"share-scale\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">");
        for (int s = 0; s < stops.length; s++) {
            g.append("<stop offset=\"").append(NumberText.fixed((double) s / (stops.length - 1), 4))
                    .append("\" stop-color=\"").append(stops[s]).append("\"/>");
        }
        d.raw(g.append("</linearGradient></defs>").toString());
        d.open("class=\"colour-bar\"");
        d.rect(barX, my, barW, barH, "fill=\"url(#share-scale)\" stroke=\"" + AXIS_COLOUR + "\" stroke-width=\"1\"", null);
        for (int t = 0; t <= 5; t++) {
            double py = my + barH - t / 5.0 * barH;
            d.line(barX + barW, py, barX + barW + 4, py, "stroke=\"" + AXIS_COLOUR + "\" stroke-width=\"1\"");
            d.text(barLabelX, py + 4, 11, "start", 0, "", (t * 20) + "%");
        }
        d.text(barTitleX, my + barH / 2, 12, "middle", 90, "", "share of true class");
        d.close();
        return d.finish();
    }
}
