package dev.vecprop.check;

import java.util.List;

/**
 * The result of a contract check: one {@link PropertyResult} per property, in the order of
 * {@link ContractProperty}.
 *
 * @param subject    the layer or loss and its setup, e.g. {@code Linear(7->5) on (7) B=3}
 * @param properties one result per property checked
 */
public record ContractReport(String subject, List<PropertyResult> properties) {

    /** Copies {@code properties} into an unmodifiable list. */
    public ContractReport {
        properties = List.copyOf(properties);
    }

    /** {@return true when no property failed} */
    public boolean passed() {
        return properties.stream().noneMatch(p -> p.status() == PropertyResult.Status.FAIL);
    }

    /**
     * {@return the result for one property, or null if it was not checked}
     *
     * @param p the property
     */
    public PropertyResult result(ContractProperty p) {
        return properties.stream().filter(r -> r.property() == p).findFirst().orElse(null);
    }

    /** {@return the properties that failed, in order} */
    public List<ContractProperty> failed() {
        return properties.stream().filter(p -> p.status() == PropertyResult.Status.FAIL)
                .map(PropertyResult::property).toList();
    }

    /**
     * Asserts that every property held, e.g. in a JUnit test.
     *
     * @return this report
     * @throws ContractViolation the first failure; the others are attached as suppressed exceptions
     */
    public ContractReport assertPassed() {
        ContractViolation first = null;
        for (PropertyResult r : properties) {
            if (r.status() == PropertyResult.Status.FAIL) {
                if (first == null) {
                    first = r.violation();
                } else {
                    first.addSuppressed(r.violation());
                }
            }
        }
        if (first != null) {
            throw first;
        }
        return this;
    }

    /** One line per property: name, PASS/FAIL/SKIPPED, and the note or failure message. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(subject).append(passed() ? ": PASS" : ": FAIL").append('\n');
        for (PropertyResult r : properties) {
            b.append(String.format("  %-18s %-7s %s%n", r.property(), r.status(), r.note()));
        }
        return b.toString();
    }
}
