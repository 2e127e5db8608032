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

    /** {@return the largest |v| of a tensor, 0 for an empty one} */
    static double maxAbs(float[] v, int off, int n) {
        double m = 0;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, Math.abs(v[off + i]));
        }
        return m;
    }
}
