package dev.vecprop.check;

import java.util.List;

/**
 * The result of one gradient check: one {@link TensorCheck} per tensor, and a verdict.
 *
 * @param subject what was checked, e.g. {@code "Linear(7->5) on (7) [train]"}
 * @param tensors one result per checked tensor: the input first, then each parameter
 */
public record GradCheckReport(String subject, List<TensorCheck> tensors) {

    /** Copies {@code tensors} into an unmodifiable list. */
    public GradCheckReport {
        tensors = List.copyOf(tensors);
    }

    /** {@return true when there is at least one tensor and every tensor passed} */
    public boolean passed() {
        return !tensors.isEmpty() && tensors.stream().allMatch(TensorCheck::passed);
    }

    /** {@return the number of elements compared, over all tensors} */
    public int checked() {
        return tensors.stream().mapToInt(TensorCheck::checked).sum();
    }

    /** {@return the number of elements skipped at non-differentiable points, over all tensors} */
    public int skipped() {
        return tensors.stream().mapToInt(TensorCheck::skipped).sum();
    }

    /** {@return the first tensor that failed, or null if none did} */
    public TensorCheck firstFailure() {
        return tensors.stream().filter(t -> !t.passed()).findFirst().orElse(null);
    }

    /**
     * Asserts that the check passed, e.g. in a JUnit test.
     *
     * @return this report
     * @throws AssertionError carrying the whole report, unless {@link #passed()}
     */
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
