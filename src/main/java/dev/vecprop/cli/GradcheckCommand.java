package dev.vecprop.cli;

import dev.vecprop.check.GradCheckReport;
import dev.vecprop.check.GradCheckSuite;
import dev.vecprop.check.TensorCheck;
import dev.vecprop.Platform;

import java.io.PrintStream;

/** {@code vecprop gradcheck}: runs the whole gradient-check suite and prints one row per tensor checked. */
final class GradcheckCommand {
    private GradcheckCommand() {}

    static final Option.Table OPTIONS = new Option.Table("""
            usage: vecprop gradcheck [--all-tensors]
              Checks every layer and loss against central differences on the float32 path
              in use, and prints a table (worst element per tensor). Exit 1 if any fails.
            """)
            .flag("all-tensors", "one row per tensor instead of one per case");

    static int run(String[] args, PrintStream out) {
        if (args.length > 0 && args[0].equals("--help")) {
            out.print(OPTIONS.help());
            return 0;
        }
        Args given = OPTIONS.parse("gradcheck", args);
        boolean verbose = given.has("all-tensors");
        given.requireAllRead();
        out.println("gradient check, vector " + Platform.describeVectors());
        out.printf("%-64s %-14s %7s %7s %10s  %s%n", "case", "tensor", "checked", "skipped", "rel.err", "result");
        int failed = 0;
        int cases = 0;
        long elements = 0;
        for (GradCheckSuite.Case c : GradCheckSuite.cases()) {
            GradCheckReport r = c.run().get();
            cases++;
            elements += r.checked();
            if (!r.passed()) {
                failed++;
            }
            if (verbose || !r.passed()) {
                for (TensorCheck t : r.tensors()) {
                    out.printf("%-64s %-14s %7d %7d %10.2e  %s%n", trim(c.name()), t.tensor(), t.checked(), t.skipped(),
                            t.relError(), t.passed() ? "ok" : "FAIL (analytic " + t.analytic() + ", numeric "
                                    + t.numeric() + " at " + t.worstIndex() + ")");
                }
            } else {
                TensorCheck worst = r.tensors().stream().max((a, b) -> Double.compare(a.relError(), b.relError())).orElseThrow();
                out.printf("%-64s %-14s %7d %7d %10.2e  %s%n", trim(c.name()), worst.tensor() + "*", r.checked(),
                        r.skipped(), worst.relError(), "ok");
            }
        }
        out.printf("%d cases, %d derivatives compared, %d failed (* = tensor with the largest relative error)%n",
                cases, elements, failed);
        return failed == 0 ? 0 : 1;
    }

    private static String trim(String s) {
        return s.length() <= 64 ? s : s.substring(0, 61) + "...";
    }
}
