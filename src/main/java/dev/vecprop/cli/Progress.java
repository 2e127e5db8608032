package dev.vecprop.cli;

import java.io.PrintStream;

/** A one-line live progress bar on a terminal; nothing when output is redirected. */
class Progress {
    /** Prints nothing. */
    public static final Progress NONE = new Progress(null);

    private final PrintStream term;
    private long lastNanos;

    private Progress(PrintStream term) {
        this.term = term;
    }

    /** A bar on {@code err} if the process has an interactive terminal, else {@link #NONE}. */
    public static Progress forTerminal(PrintStream err) {
        java.io.Console c = System.console();
        return c != null && c.isTerminal() ? new Progress(err) : NONE;
    }

    public void update(int epoch, int epochs, long step, long steps, double loss) {
        if (term == null) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastNanos < 100_000_000L && step != steps) {
            return;
        }
        lastNanos = now;
        int width = 30;
        int filled = (int) (width * step / Math.max(1, steps));
        term.printf("\repoch %d/%d [%s%s] %d/%d  loss %.4f ", epoch, epochs, "=".repeat(filled),
                " ".repeat(width - filled), step, steps, loss);
        term.flush();
    }

    public void done() {
        if (term != null) {
            term.print("\r" + " ".repeat(79) + "\r");
            term.flush();
        }
    }
}
