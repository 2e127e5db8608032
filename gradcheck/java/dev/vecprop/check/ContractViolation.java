package dev.vecprop.check;

/**
 * A broken contract property, thrown by {@link ContractReport#assertPassed()} (so by
 * {@link LayerContract#verify()} and {@link LossContract#verify()}) as a JUnit-visible assertion
 * failure. The message names the property, the subject, the tensor, the element index, both values
 * and the tolerance.
 */
public final class ContractViolation extends AssertionError {
    private static final long serialVersionUID = 1L;

    /** What was measured where; null fields for a violation that is not about one element (an exception). */
    private final transient Detail detail;

    /**
     * One element that broke a property.
     *
     * @param property  the property broken
     * @param subject   the layer or loss and its setup, e.g. {@code Linear(7->5) on (7) B=3}
     * @param tensor    the tensor, e.g. {@code input gradient}, {@code 0.weight gradient}, {@code output}
     * @param index     the element's row-major index in that tensor, -1 if not about one element
     * @param actual    the value the layer produced (the analytical derivative, for {@link ContractProperty#GRADIENTS})
     * @param expected  the value it should have had (the numerical derivative, or the reference run's value)
     * @param tolerance the largest allowed {@code |actual - expected|}
     * @param what      how the two values were obtained, e.g. {@code analytic vs numeric}
     */
    public record Detail(ContractProperty property, String subject, String tensor, int index, double actual,
                         double expected, double tolerance, String what) {}

    ContractViolation(Detail d) {
        super(message(d));
        this.detail = d;
    }

    ContractViolation(ContractProperty property, String subject, String message, Throwable cause) {
        super(property + " violated by " + subject + ": " + message, cause);
        this.detail = new Detail(property, subject, null, -1, Double.NaN, Double.NaN, Double.NaN, message);
    }

    /** {@return the property broken} */
    public ContractProperty property() {
        return detail.property();
    }

    /** {@return the element that broke it, with both values and the tolerance} */
    public Detail detail() {
        return detail;
    }

    private static String message(Detail d) {
        return String.format("%s violated by %s: %s element %d: %s %.9g vs %.9g, |diff| %.3g > tolerance %.3g",
                d.property(), d.subject(), d.tensor(), d.index(), d.what(), d.actual(), d.expected(),
                Math.abs(d.actual() - d.expected()), d.tolerance());
    }
}
