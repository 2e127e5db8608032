package dev.vecprop.check;

/**
 * The outcome of one {@link ContractProperty} for one layer or loss.
 *
 * @param property  the property
 * @param status    passed, failed, or not applicable
 * @param note      what was compared (when passed), or why it does not apply (when skipped)
 * @param violation the failure (when failed), else null
 */
public record PropertyResult(ContractProperty property, Status status, String note, ContractViolation violation) {

    /** Whether a property held. */
    public enum Status {
        /** The property held. */
        PASS,
        /** The property was broken; {@link PropertyResult#violation()} says where. */
        FAIL,
        /** The property does not apply (e.g. no checkpoint config, or the layer declared it mixes samples). */
        SKIPPED
    }

    static PropertyResult pass(ContractProperty p, String note) {
        return new PropertyResult(p, Status.PASS, note, null);
    }

    static PropertyResult skipped(ContractProperty p, String why) {
        return new PropertyResult(p, Status.SKIPPED, why, null);
    }

    static PropertyResult fail(ContractViolation v) {
        return new PropertyResult(v.property(), Status.FAIL, v.getMessage(), v);
    }
}
