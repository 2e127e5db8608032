package dev.vecprop.plot;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/** Locale-independent number formatting for SVG coordinates and human-readable labels. */
final class NumberText {
    private NumberText() {
    }

    /** A coordinate or length in user units, rounded to 0.01: {@code "12.5"}, {@code "-3"}, {@code "0"}. */
    static String coord(double v) {
        long r = Math.round(v * 100);
        if (r == 0) {
            return "0";
        }
        StringBuilder b = new StringBuilder();
        if (r < 0) {
            b.append('-');
            r = -r;
        }
        long ip = r / 100;
        long fp = r % 100;
        b.append(ip);
        if (fp != 0) {
            b.append('.');
            if (fp < 10) {
                b.append('0').append(fp);
            } else if (fp % 10 == 0) {
                b.append(fp / 10);
            } else {
                b.append(fp);
            }
        }
        return b.toString();
    }

    /**
     * {@code v} with {@code digits} significant digits and no trailing zeros: plain notation for
     * magnitudes in [1e-4, 1e6), otherwise {@code "1.5e-7"}; {@code "NaN"}, {@code "Infinity"} as is.
     */
    static String significant(double v, int digits) {
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        if (v == 0) {
            return "0";
        }
        BigDecimal bd = new BigDecimal(v).round(new MathContext(digits, RoundingMode.HALF_EVEN)).stripTrailingZeros();
        double a = Math.abs(bd.doubleValue());
        if (a >= 1e-4 && a < 1e6) {
            return bd.toPlainString();
        }
        return scientific(bd);
    }

    /** {@code v} rounded to {@code digits} significant digits, always as {@code "2e-5"} / {@code "1.25e8"}. */
    static String scientific(double v, int digits) {
        if (v == 0) {
            return "0";
        }
        return scientific(new BigDecimal(v).round(new MathContext(digits, RoundingMode.HALF_EVEN)).stripTrailingZeros());
    }

    private static String scientific(BigDecimal bd) {
        String u = bd.unscaledValue().abs().toString();
        int exponent = u.length() - 1 - bd.scale();
        StringBuilder b = new StringBuilder();
        if (bd.signum() < 0) {
            b.append('-');
        }
        b.append(u.charAt(0));
        if (u.length() > 1) {
            b.append('.').append(u, 1, u.length());
        }
        return b.append('e').append(exponent).toString();
    }

    /** {@code v} with exactly {@code decimals} digits after the point (half-up); never {@code "-0"}. */
    static String fixed(double v, int decimals) {
        BigDecimal bd = new BigDecimal(v).setScale(decimals, RoundingMode.HALF_UP);
        if (bd.signum() == 0) {
            bd = bd.abs();
        }
        return bd.toPlainString();
    }

    /** A count with comma thousands separators: {@code 10000 -> "10,000"}. */
    static String grouped(long n) {
        String s = Long.toString(Math.abs(n));
        StringBuilder b = new StringBuilder();
        int lead = s.length() % 3;
        for (int i = 0; i < s.length(); i++) {
            if (i > 0 && (i - lead) % 3 == 0) {
                b.append(',');
            }
            b.append(s.charAt(i));
        }
        return (n < 0 ? "-" : "") + b;
    }
}
