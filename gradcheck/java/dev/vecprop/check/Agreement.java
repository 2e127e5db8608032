package dev.vecprop.check;

/**
 * Element-by-element comparison of a produced tensor with its reference, for the contract checks:
 * the first element outside its tolerance becomes a {@link ContractViolation}.
 */
final class Agreement {
    private Agreement() {}

    /** The tolerance of element i, given the two values there. */
    interface Tolerance {
        double at(int i, double actual, double expected);
    }

    /** Bit-identical (up to the sign of zero): the tolerance of reproducibility. */
    static final Tolerance EXACT = (i, a, e) -> 0;

    /**
     * Equal up to float32 reordering: {@code rel * (|a| + |e|) + abs}.
     *
     * @param rel relative part
     * @param abs absolute part
     * @return the tolerance
     */
    static Tolerance rounding(double rel, double abs) {
        return (i, a, e) -> rel * (Math.abs(a) + Math.abs(e)) + abs;
    }

    static void require(ContractProperty p, String subject, String tensor, float[] actual, int ao, float[] expected,
                        int eo, int n, Tolerance tol, String what) {
        for (int i = 0; i < n; i++) {
            double a = actual[ao + i];
            double e = expected[eo + i];
            double t = tol.at(i, a, e);
            boolean ok = Double.isNaN(e) ? Double.isNaN(a) : Math.abs(a - e) <= t;
            if (!ok) {
                throw new ContractViolation(new ContractViolation.Detail(p, subject, tensor, i, a, e, t, what));
            }
        }
    }

    /** How often an exact (bit-for-bit) property is measured before a mismatch counts. */
    static final int ATTEMPTS = 3;

    /**
     * Runs a bit-for-bit check up to {@link #ATTEMPTS} times, each from scratch, and fails only if
     * every attempt fails. Why: the JIT replaces the Java fallback of a vector transcendental
     * ({@code lanewise(EXP)}, {@code TANH}) by its intrinsic while a program runs, and the two differ
     * in the last bit (Sigmoid and GELU(tanh) do, measured in one JVM cold vs warm), so two runs that
     * straddle a compilation differ once. A reduction whose order changes with every call, or a race,
     * differs at every attempt.
     */
    static PropertyResult exactWithRetries(ContractProperty p, java.util.function.Supplier<PropertyResult> body) {
        ContractViolation last = null;
        for (int a = 1; a <= ATTEMPTS; a++) {
            try {
                PropertyResult r = body.get();
                return a == 1 || r.status() != PropertyResult.Status.PASS ? r : PropertyResult.pass(p, r.note()
                        + " (at attempt " + a + "; an earlier attempt differed: " + last.getMessage() + ")");
            } catch (ContractViolation v) {
                last = v;
            }
        }
        throw last;
    }

    /** {@return the largest |v| of a tensor, 0 for an empty one} */
    static double maxAbs(float[] v, int off, int n) {
        double m = 0;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, Math.abs(v[off + i]));
        }
        return m;
    }
}
