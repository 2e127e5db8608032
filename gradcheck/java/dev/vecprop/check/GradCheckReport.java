package dev.vecprop.check;

import java.util.List;

/** The result of one gradient check: one {@link TensorCheck} per tensor, and a verdict. */
public record GradCheckReport(String subject, List<TensorCheck> tensors) {

    public GradCheckReport {
        tensors = List.copyOf(tensors);
    }

    public boolean passed() {
        return !tensors.isEmpty() && tensors.stream().allMatch(TensorCheck::passed);
    }

    /** Elements compared over all tensors. */
    public int checked() {
        return tensors.stream().mapToInt(TensorCheck::checked).sum();
    }

    /** Elements skipped at non-differentiable points. */
    public int skipped() {
        return tensors.stream().mapToInt(TensorCheck::skipped).sum();
    }

    /** The first failing tensor, or null. */
    public TensorCheck firstFailure() {
        return tensors.stream().filter(t -> !t.passed()).findFirst().orElse(null);
    }

    /** Throws an {@link AssertionError} carrying the whole report unless the check passed (for JUnit). */
    public GradCheckReport assertPassed() {
        if (!passed()) {
            throw new AssertionError("gradient check failed: " + this);
        }
        return this;
    }

    /** Multi-line table: tensor, checked, skipped, worst index, analytic, numeric, rel. error, verdict. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(subject).append(passed() ? ": PASS" : ": FAIL").append('\n');
        b.append(String.format("  %-22s %7s %7s %8s %13s %13s %10s  %s%n", "tensor", "checked", "skipped",
                "worst@", "analytic", "numeric", "rel.err", ""));
        for (TensorCheck t : tensors) {
            b.append(String.format("  %-22s %7d %7d %8d %13.6g %13.6g %10.2e  %s%n", t.tensor(), t.checked(),
                    t.skipped(), t.worstIndex(), t.analytic(), t.numeric(), t.relError(),
                    t.passed() ? "ok" : "FAIL (tol " + String.format("%.2e", t.tolerance()) + ")"));
        }
        return b.toString();
    }
}
