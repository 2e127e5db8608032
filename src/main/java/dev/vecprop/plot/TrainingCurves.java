package dev.vecprop.plot;

import dev.vecprop.ConfigException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Training curves per epoch as one SVG picture of {@value #WIDTH} x {@value #HEIGHT} user units
 * (pixels): a loss panel and an accuracy panel (in %) side by side, each with the training series
 * (solid blue line, round markers) and the validation series (dashed orange line, square markers),
 * integer epoch ticks on x, 1-2-5 ticks on y, a caller-supplied title, a legend, and the best
 * validation epoch marked by a dotted vertical line and a ring.
 *
 * <p>Absent values ({@link Double#NaN}, infinities, magnitudes above 1e300) are skipped and break
 * the line; a panel with no value at all says "no data". Instances are immutable; the output is the
 * same bytes for the same input.
 */
public final class TrainingCurves {
    /** Width of the picture, in user units (pixels). */
    public static final int WIDTH = 1000;
    /** Height of the picture, in user units (pixels). */
    public static final int HEIGHT = 440;

    private static final double LIMIT = 1e300;
    private static final String TRAIN_COLOUR = "#1f77b4";
    private static final String VALIDATION_COLOUR = "#d95f02";
    private static final String BEST_COLOUR = "#4d4d4d";
    private static final String AXIS_COLOUR = "#666666";
    private static final String GRID_COLOUR = "#e3e3e3";
    private static final double TITLE_Y = 30;
    private static final double LEGEND_Y = 58;
    private static final double PLOT_TOP = 84;
    private static final double PLOT_BOTTOM = HEIGHT - 60;
    private static final double TICK_FONT = 11;
    private static final double AXIS_FONT = 12;

    private final String title;
    private final List<EpochPoint> points;

    /**
     * Curves for {@code points}, whose epochs must increase strictly (a point per epoch); an empty
     * list gives two "no data" panels.
     *
     * @param title  the picture's title, e.g. {@code "mlp 784-256-128-10 on mnist"}; any text (escaped)
     * @param points the metrics per epoch, in increasing epoch order
     * @throws ConfigException if the title or list is null, a point is null, or epochs do not increase
     */
    public TrainingCurves(String title, List<EpochPoint> points) {
        if (title == null) {
            throw new ConfigException("title is null");
        }
        if (points == null) {
            throw new ConfigException("points is null");
        }
        for (int i = 0; i < points.size(); i++) {
            EpochPoint p = points.get(i);
            if (p == null) {
                throw new ConfigException("point " + i + " is null");
            }
            if (i > 0 && p.epoch() <= points.get(i - 1).epoch()) {
                throw new ConfigException("epochs must increase: epoch " + p.epoch() + " at index " + i
                        + " follows epoch " + points.get(i - 1).epoch());
            }
        }
        this.title = title;
        this.points = List.copyOf(points);
    }

    /**
     * The title, as given.
     *
     * @return the title text (unescaped)
     */
    public String title() {
        return title;
    }

    /**
     * The points, as given.
     *
     * @return an unmodifiable list in increasing epoch order
     */
    public List<EpochPoint> points() {
        return points;
    }

    /**
     * The best validation epoch: the one with the lowest validation loss, or, when no validation
     * loss is present, the highest validation accuracy; the earliest such epoch on ties.
     *
     * @return the epoch number, or empty when no point has a validation value
     */
    public OptionalInt bestValidationEpoch() {
        int best = bestIndex();
        return best < 0 ? OptionalInt.empty() : OptionalInt.of(points.get(best).epoch());
    }

    private int bestIndex() {
        int best = -1;
        for (int i = 0; i < points.size(); i++) {
            double v = points.get(i).validationLoss();
            if (plottable(v) && (best < 0 || v < points.get(best).validationLoss())) {
                best = i;
            }
        }
        if (best >= 0) {
            return best;
        }
        for (int i = 0; i < points.size(); i++) {
            double v = points.get(i).validationAccuracy();
            if (plottable(v) && (best < 0 || v > points.get(best).validationAccuracy())) {
                best = i;
            }
        }
        return best;
    }

    static boolean plottable(double v) {
        return Double.isFinite(v) && Math.abs(v) <= LIMIT;
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
        int n = points.size();
        double[] epochs = new double[n];
        double[] trainLoss = new double[n];
        double[] validationLoss = new double[n];
        double[] trainAcc = new double[n];
        double[] validationAcc = new double[n];
        for (int i = 0; i < n; i++) {
            EpochPoint p = points.get(i);
            epochs[i] = p.epoch();
            trainLoss[i] = p.trainLoss();
            validationLoss[i] = p.validationLoss();
            trainAcc[i] = plottable(p.trainAccuracy()) ? 100 * p.trainAccuracy() : Double.NaN;
            validationAcc[i] = plottable(p.validationAccuracy()) ? 100 * p.validationAccuracy() : Double.NaN;
        }
        int best = bestIndex();
        SvgDocument d = new SvgDocument(WIDTH, HEIGHT, title);
        double titleFont = 16;
        while (titleFont > 11 && TextWidth.ofBold(title, titleFont) > WIDTH - 40) {
            titleFont -= 0.5;
        }
        d.text(WIDTH / 2.0, TITLE_Y, titleFont, "middle", 0, "font-weight=\"bold\"",
                TextWidth.fitBold(title, titleFont, WIDTH - 40));
        legend(d, any(trainLoss) || any(trainAcc), any(validationLoss) || any(validationAcc), best);
        Panel loss = new Panel("loss", "loss", "", epochs, trainLoss, validationLoss, best);
        Panel acc = new Panel("accuracy", "accuracy (%)", "%", epochs, trainAcc, validationAcc, best);
        loss.draw(d, 0);
        acc.draw(d, WIDTH / 2.0);
        return d.finish();
    }

    private static boolean any(double[] v) {
        for (double x : v) {
            if (plottable(x)) {
                return true;
            }
        }
        return false;
    }

    private void legend(SvgDocument d, boolean train, boolean validation, int best) {
        List<String> labels = new ArrayList<>();
        List<Integer> kinds = new ArrayList<>();
        if (train) {
            labels.add("train");
            kinds.add(0);
        }
        if (validation) {
            labels.add("validation");
            kinds.add(1);
        }
        if (best >= 0) {
            EpochPoint p = points.get(best);
            StringBuilder s = new StringBuilder("best validation: epoch ").append(p.epoch());
            List<String> parts = new ArrayList<>();
            if (plottable(p.validationLoss())) {
                parts.add("loss " + NumberText.significant(p.validationLoss(), 4));
            }
            if (plottable(p.validationAccuracy())) {
                parts.add("accuracy " + NumberText.fixed(100 * p.validationAccuracy(), 2) + "%");
            }
            if (!parts.isEmpty()) {
                s.append(" (").append(String.join(", ", parts)).append(')');
            }
            labels.add(s.toString());
            kinds.add(2);
        }
        if (labels.isEmpty()) {
            return;
        }
        double symbol = 26;
        double gap = 6;
        double spacing = 28;
        double total = 0;
        for (String l : labels) {
            total += symbol + gap + TextWidth.of(l, AXIS_FONT);
        }
        total += spacing * (labels.size() - 1);
        double x = Math.max(10, (WIDTH - total) / 2);
        double y = LEGEND_Y;
        d.open("class=\"legend\"");
        for (int i = 0; i < labels.size(); i++) {
            int kind = kinds.get(i);
            double cx = x + symbol / 2;
            double cy = y - 4;
            switch (kind) {
                case 0 -> {
                    d.line(x, cy, x + symbol, cy, lineStyle(TRAIN_COLOUR, false));
                    d.circle(cx, cy, 3.5, "fill=\"" + TRAIN_COLOUR + "\"", null);
                }
                case 1 -> {
                    d.line(x, cy, x + symbol, cy, lineStyle(VALIDATION_COLOUR, true));
                    d.rect(cx - 3.5, cy - 3.5, 7, 7, "fill=\"" + VALIDATION_COLOUR + "\"", null);
                }
                default -> {
                    d.line(cx, cy - 8, cx, cy + 8, bestLineStyle());
                    d.circle(cx, cy, 6.5, bestRingStyle(), null);
                }
            }
            d.text(x + symbol + gap, y, AXIS_FONT, "start", 0, "", labels.get(i));
            x += symbol + gap + TextWidth.of(labels.get(i), AXIS_FONT) + spacing;
        }
        d.close();
    }

    private static String lineStyle(String colour, boolean dashed) {
        return "fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"2\" stroke-linejoin=\"round\""
                + (dashed ? " stroke-dasharray=\"7 4\"" : "");
    }

    private static String bestLineStyle() {
        return "stroke=\"" + BEST_COLOUR + "\" stroke-width=\"1.2\" stroke-dasharray=\"2 3\"";
    }

    private static String bestRingStyle() {
        return "fill=\"none\" stroke=\"" + BEST_COLOUR + "\" stroke-width=\"1.5\"";
    }

    /** One panel: a value axis over both series of one metric. */
    private record Panel(String name, String yTitle, String unit, double[] epochs, double[] train,
                         double[] validation, int best) {

        void draw(SvgDocument d, double x0) {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (double[] s : new double[][]{train, validation}) {
                for (double v : s) {
                    if (plottable(v)) {
                        min = Math.min(min, v);
                        max = Math.max(max, v);
                    }
                }
            }
            d.open("class=\"panel " + name + "\"");
            double yMid = (PLOT_TOP + PLOT_BOTTOM) / 2;
            if (min > max) {
                double left = x0 + 50;
                double right = x0 + WIDTH / 2.0 - 24;
                d.text(x0 + 22, yMid, AXIS_FONT, "middle", -90, "", yTitle);
                d.rect(left, PLOT_TOP, right - left, PLOT_BOTTOM - PLOT_TOP,
                        "fill=\"#fafafa\" stroke=\"" + AXIS_COLOUR + "\" stroke-width=\"1\"", null);
                d.text((left + right) / 2, yMid + 5, 14, "middle", 0, "fill=\"#777777\" class=\"no-data\"", "no data");
                d.text((left + right) / 2, PLOT_BOTTOM + 42, AXIS_FONT, "middle", 0, "", "epoch");
                d.close();
                return;
            }
            NiceScale y = NiceScale.values(min, max, 5);
            double labelWidth = 0;
            for (int i = 0; i < y.count(); i++) {
                labelWidth = Math.max(labelWidth, TextWidth.of(y.label(y.tick(i)), TICK_FONT));
            }
            double left = x0 + 36 + labelWidth + 8;
            double right = x0 + WIDTH / 2.0 - 24;
            double width = right - left;
            double height = PLOT_BOTTOM - PLOT_TOP;
            int n = epochs.length;
            double span = epochs[n - 1] - epochs[0];
            double pad = Math.max(0.5, 0.02 * span);
            double xLo = epochs[0] - pad;
            double xHi = epochs[n - 1] + pad;
            double epochLabelWidth = Math.max(TextWidth.of(Long.toString((long) epochs[n - 1]), TICK_FONT),
                    TextWidth.of(Long.toString((long) epochs[0]), TICK_FONT));
            NiceScale x = NiceScale.integers(xLo, xHi, (int) (width / (epochLabelWidth + 16)));

            d.text(x0 + 22, yMid, AXIS_FONT, "middle", -90, "", yTitle);
            d.text((left + right) / 2, PLOT_BOTTOM + 42, AXIS_FONT, "middle", 0, "", "epoch");
            // grid and value ticks
            for (int i = 0; i < y.count(); i++) {
                double py = PLOT_BOTTOM - y.fraction(y.tick(i)) * height;
                if (i > 0 && i < y.count() - 1) {
                    d.line(left, py, right, py, "stroke=\"" + GRID_COLOUR + "\" stroke-width=\"1\"");
                }
                d.line(left - 5, py, left, py, "stroke=\"" + AXIS_COLOUR + "\" stroke-width=\"1\"");
                d.text(left - 8, py + 4, TICK_FONT, "end", 0, "", y.label(y.tick(i)));
            }
            for (int i = 0; i < x.count(); i++) {
                double px = left + (x.tick(i) - xLo) / (xHi - xLo) * width;
                d.line(px, PLOT_BOTTOM, px, PLOT_BOTTOM + 5, "stroke=\"" + AXIS_COLOUR + "\" stroke-width=\"1\"");
                d.text(px, PLOT_BOTTOM + 18, TICK_FONT, "middle", 0, "", Long.toString((long) x.tick(i)));
            }
            d.rect(left, PLOT_TOP, width, height, "fill=\"none\" stroke=\"" + AXIS_COLOUR + "\" stroke-width=\"1\"", null);

            double[] xs = new double[n];
            for (int i = 0; i < n; i++) {
                xs[i] = left + (epochs[i] - xLo) / (xHi - xLo) * width;
            }
            if (best >= 0) {
                d.line(xs[best], PLOT_TOP, xs[best], PLOT_BOTTOM, bestLineStyle() + " class=\"best\"");
            }
            double r = Math.max(1.5, Math.min(3.5, width / n / 4));
            series(d, xs, train, y, height, "train", TRAIN_COLOUR, false, r);
            series(d, xs, validation, y, height, "validation", VALIDATION_COLOUR, true, r);
            if (best >= 0 && plottable(validation[best])) {
                double py = PLOT_BOTTOM - y.fraction(validation[best]) * height;
                d.circle(xs[best], py, r + 4, bestRingStyle() + " class=\"best-ring\"", null);
            }
            d.close();
        }

        private void series(SvgDocument d, double[] xs, double[] values, NiceScale y, double height, String kind,
                            String colour, boolean dashed, double r) {
            int n = xs.length;
            double[] ys = new double[n];
            for (int i = 0; i < n; i++) {
                ys[i] = plottable(values[i]) ? PLOT_BOTTOM - y.fraction(values[i]) * height : Double.NaN;
            }
            for (int i = 0; i < n; ) {
                if (Double.isNaN(ys[i])) {
                    i++;
                    continue;
                }
                int j = i;
                while (j < n && !Double.isNaN(ys[j])) {
                    j++;
                }
                if (j - i >= 2) {
                    d.polyline(xs, ys, i, j, lineStyle(colour, dashed) + " class=\"line " + kind + "\"");
                }
                i = j;
            }
            for (int i = 0; i < n; i++) {
                if (Double.isNaN(ys[i])) {
                    continue;
                }
                String tip = "epoch " + (long) epochs[i] + ": " + kind + " " + name + " "
                        + (unit.isEmpty() ? NumberText.significant(values[i], 6) : NumberText.fixed(values[i], 2) + unit);
                String style = "fill=\"" + colour + "\" class=\"marker " + kind + "\"";
                if (dashed) {
                    d.rect(xs[i] - r, ys[i] - r, 2 * r, 2 * r, style, tip);
                } else {
                    d.circle(xs[i], ys[i], r, style, tip);
                }
            }
        }
    }
}
