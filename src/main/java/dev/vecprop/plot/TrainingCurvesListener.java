package dev.vecprop.plot;

import dev.vecprop.ConfigException;
import dev.vecprop.VecpropException;
import dev.vecprop.train.EpochEvent;
import dev.vecprop.train.EpochMetrics;
import dev.vecprop.train.FitStart;
import dev.vecprop.train.TrainingListener;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link TrainingListener} that redraws the training curves ({@link TrainingCurves}: train and
 * validation loss and accuracy per epoch) into an SVG file after every epoch, written atomically so
 * a viewer that has the file open never sees half a picture.
 *
 * <pre>
 *   Trainer.builder().listener(new TrainingCurvesListener(Path.of("curves.svg"), "my model")) ...
 * </pre>
 */
public final class TrainingCurvesListener implements TrainingListener {
    private final Path file;
    private final String title;
    private final List<EpochPoint> points = new ArrayList<>();

    /**
     * Creates the listener; nothing is written until the first epoch ends.
     *
     * @param file  the SVG file to (re)write after every epoch
     * @param title the picture's title
     * @throws dev.vecprop.ConfigException if {@code file} or {@code title} is null
     */
    public TrainingCurvesListener(Path file, String title) {
        if (file == null || title == null) {
            throw new ConfigException("TrainingCurvesListener needs a file and a title");
        }
        this.file = file;
        this.title = title;
    }

    /** {@return the points drawn so far (epochs counted from 1)} */
    public List<EpochPoint> points() {
        return List.copyOf(points);
    }

    @Override
    public void onFitStart(FitStart start) {
        points.clear();
    }

    @Override
    public void onEpochEnd(EpochEvent e) {
        EpochMetrics m = e.metrics();
        points.add(new EpochPoint(m.epoch() + 1, m.trainLoss(), m.trainAccuracy(),
                m.validation() == null ? Double.NaN : m.validation().loss(),
                m.validation() == null ? Double.NaN : m.validation().accuracy()));
        try {
            new TrainingCurves(title, points).write(file);
        } catch (IOException ex) {
            throw new VecpropException("cannot write the training curves to " + file + ": " + ex.getMessage(), ex);
        }
    }
}
