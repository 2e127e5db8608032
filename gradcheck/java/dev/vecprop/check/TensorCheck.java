package dev.vecprop.check;

/**
 * The outcome for one tensor: how many elements were compared, how many were skipped as
 * non-differentiable points, and the worst element (the one closest to, or furthest past, its
 * tolerance) with its analytical and numerical derivative.
 *
 * @param tensor     {@code input}, a parameter name like {@code 0.weight}, or {@code loss input}
 * @param checked    elements compared
 * @param skipped    elements skipped because a kink lies within the step (one-sided slopes disagree)
 * @param worstIndex logical (PyTorch row-major) index of the worst element, -1 if none
 * @param analytic   the backward pass's derivative there
 * @param numeric    the central difference there
 * @param relError   {@code |a - n| / max(|a|, |n|)}
 * @param tolerance  the absolute tolerance that applied there
 */
public record TensorCheck(String tensor, int checked, int skipped, int worstIndex, double analytic,
                          double numeric, double relError, double tolerance) {

    /** {@return true when every compared element was within its tolerance (also when none was compared)} */
    public boolean passed() {
        return worstIndex < 0 || Math.abs(analytic - numeric) <= tolerance;
    }
}
