package dev.vecprop.cli;

import dev.vecprop.Platform;
import dev.vecprop.train.Attack;
import dev.vecprop.train.EpochEvent;
import dev.vecprop.train.EpochMetrics;
import dev.vecprop.train.Evaluation;
import dev.vecprop.train.FitResult;
import dev.vecprop.train.FitStart;
import dev.vecprop.train.StepEvent;
import dev.vecprop.train.TrainingListener;

import java.io.PrintStream;
import java.util.Locale;

/** What {@code vecprop train} prints: a header, a live progress bar, one line per epoch, a note when stopped. */
final class ConsoleListener implements TrainingListener {
    private final PrintStream out;
    private final PrintStream err;
    private final boolean quiet;
    private final Progress progress;
    private final String modelName;
    private final long parameters;
    private final String evalName;
    private final Attack attack;
    private String optimizer = "";
    private int epochs;

    ConsoleListener(PrintStream out, PrintStream err, boolean quiet, boolean progress, String modelName, long parameters,
                    String evalName, Attack attack) {
        this.out = out;
        this.err = err;
        this.quiet = quiet;
        this.progress = progress ? Progress.forTerminal(err) : Progress.NONE;
        this.modelName = modelName;
        this.parameters = parameters;
        this.evalName = evalName;
        this.attack = attack;
    }

    String optimizer() {
        return optimizer;
    }

    @Override
    public void onFitStart(FitStart s) {
        optimizer = s.optimizer();
        epochs = s.epochs();
        if (!quiet) {
            out.printf(Locale.ROOT, "model %s, %d parameters; %s; %s, lr %s, batch %d, %d threads, vector %s%n",
                    modelName, parameters, s.loss(), s.optimizer(), s.schedule(), s.batchSize(), s.threads(),
                    Platform.vectorized() ? Platform.vectorBits() + "-bit" : "scalar");
        }
    }

    @Override
    public void onStep(StepEvent e) {
        progress.update(e.epoch() + 1, e.epochs(), e.step(), e.stepsPerEpoch(), e.meanLoss());
    }

    @Override
    public void onStepSkipped(String message) {
        progress.done();
        err.println("vecprop: " + message);
    }

    @Override
    public void onEpochEnd(EpochEvent e) {
        progress.done();
        if (quiet) {
            return;
        }
        EpochMetrics m = e.metrics();
        Evaluation v = m.validation();
        Evaluation robust = m.robust();
        out.printf(Locale.ROOT, "epoch %2d/%d  train loss %.4f%s%s%s  %,.0f samples/s  %.1f s%n",
                m.epoch() + 1, epochs, m.trainLoss(),
                v == null ? "" : String.format(Locale.ROOT, "  %s loss %.4f  %s acc %.2f%%", evalName, v.loss(), evalName,
                        100 * v.accuracy()),
                v != null && v.binary() ? String.format(Locale.ROOT, "  precision %.3f recall %.3f", v.precision(),
                        v.recall()) : "",
                robust == null ? "" : String.format(Locale.ROOT, "  robust acc %.2f%% (%s)", 100 * robust.accuracy(),
                        attack.describe()),
                m.samplesPerSecond(), m.seconds());
    }

    @Override
    public void onFitEnd(FitResult r) {
        progress.done();
        if (!quiet && r.stopReason() != null) {
            out.println(r.stopReason());
        }
    }
}
