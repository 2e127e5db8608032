package dev.vecprop.plot;

/**
 * A linear axis: the domain [{@code lo}, {@code hi}] in data units and tick values at the integer
 * multiples {@code firstIndex * step} .. {@code (firstIndex + count - 1) * step} of a step from the
 * 1-2-5 sequence (1, 2, 5, 10, 20, ...).
 */
record NiceScale(double lo, double hi, double step, long firstIndex, int count) {

    /**
     * A value axis covering [{@code min}, {@code max}] (finite, {@code min <= max}) whose ends are
     * ticks, with about {@code intervals} tick intervals. The axis starts at zero when all values are
     * of one sign and the zero end is no farther away than the data's own spread, and a single value v
     * gets the axis [0, v] ([0, 1] for zero).
     */
    static NiceScale values(double min, double max, int intervals) {
        double lo = min;
        double hi = max;
        if (lo >= 0 && (lo <= hi - lo || hi - lo <= 1e-12 * Math.abs(hi))) {
            lo = 0;
        } else if (hi <= 0 && (-hi <= hi - lo || hi - lo <= 1e-12 * Math.abs(lo))) {
            hi = 0;
        }
        if (lo == 0 && hi == 0) {
            hi = 1;
        } else if (hi - lo <= 1e-12 * Math.max(Math.abs(lo), Math.abs(hi))) {
            double pad = Math.abs(lo) * 0.1;
            lo -= pad;
            hi += pad;
        }
        double step = step((hi - lo) / intervals);
        long first = (long) StrictMath.floor(lo / step + 1e-9);
        long last = (long) StrictMath.ceil(hi / step - 1e-9);
        if (last <= first) {
            last = first + 1;
        }
        return new NiceScale(first * step, last * step, step, first, (int) (last - first + 1));
    }

    /**
     * An integer axis over the domain [{@code lo}, {@code hi}] with at most {@code maxTicks} ticks
     * (at least one if the domain holds an integer) at multiples of a step of at least 1.
     */
    static NiceScale integers(double lo, double hi, int maxTicks) {
        double step = 1;
        for (int i = 0; ; i++) {
            step = (i % 3 == 0 ? 1 : i % 3 == 1 ? 2 : 5) * StrictMath.pow(10, i / 3);
            long first = (long) StrictMath.ceil(lo / step);
            long last = (long) StrictMath.floor(hi / step);
            if (last - first + 1 <= Math.max(1, maxTicks) || step >= 1e15) {
                return new NiceScale(lo, hi, step, first, (int) Math.max(0, last - first + 1));
            }
        }
    }

    /** The smallest 1-2-5 step that is at least {@code raw} (positive). */
    static double step(double raw) {
        double e = StrictMath.floor(StrictMath.log10(raw));
        double p = StrictMath.pow(10, e);
        double f = raw / p;
        double n = f <= 1 + 1e-9 ? 1 : f <= 2 + 1e-9 ? 2 : f <= 5 + 1e-9 ? 5 : 10;
        return n * p;
    }

    /** The i-th tick value, i in [0, count). */
    double tick(int i) {
        return (firstIndex + i) * step;
    }

    /** Where {@code v} lies in the domain: 0 at {@code lo}, 1 at {@code hi}. */
    double fraction(double v) {
        return (v - lo) / (hi - lo);
    }

    /**
     * The label of tick value {@code v}: fixed notation with as many decimals as the step needs, or
     * scientific notation ({@code "2e-5"}) when the axis reaches 1e6 or stays below 1e-3.
     */
    String label(double v) {
        double maxAbs = Math.max(Math.abs(tick(0)), Math.abs(tick(count - 1)));
        int stepExp = (int) StrictMath.floor(StrictMath.log10(step) + 1e-9);
        if (maxAbs >= 1e6 || maxAbs < 1e-3) {
            if (Math.abs(v) < step * 1e-6) {
                return "0";
            }
            int vExp = (int) StrictMath.floor(StrictMath.log10(Math.abs(v)) + 1e-9);
            return NumberText.scientific(v, Math.max(1, Math.min(15, vExp - stepExp + 1)));
        }
        return NumberText.fixed(v, Math.max(0, Math.min(12, -stepExp)));
    }
}
