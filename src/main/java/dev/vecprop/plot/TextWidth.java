package dev.vecprop.plot;

/**
 * Estimated rendered width of a line of text in a proportional sans-serif font, used for layout
 * (margins, legends, whether a label fits). The estimate follows DejaVu Sans, the widest of the
 * named fonts, so text laid out with it also fits in Arial.
 */
final class TextWidth {
    private TextWidth() {
    }

    /** Width in user units of {@code s} at {@code fontSize} user units. */
    static double of(String s, double fontSize) {
        double em = 0;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            em += em(c);
        }
        return em * fontSize;
    }

    private static double em(int c) {
        if (" .,:;'|!ilj".indexOf(c) >= 0) {
            return 0.33;
        }
        if ("ftrI()[]{}-/\\\"".indexOf(c) >= 0) {
            return 0.42;
        }
        if ("mwMW%@&".indexOf(c) >= 0) {
            return 0.95;
        }
        if (c >= '0' && c <= '9') {
            return 0.64;
        }
        if (c >= 'A' && c <= 'Z') {
            return 0.72;
        }
        if (c >= 0x2E80) {
            return 1.0; // CJK and other wide scripts
        }
        return 0.62;
    }

    /**
     * {@code s} if it fits in {@code maxWidth} user units at {@code fontSize}, else its longest prefix
     * that fits followed by an ellipsis (at least one character and the ellipsis).
     */
    static String fit(String s, double fontSize, double maxWidth) {
        if (of(s, fontSize) <= maxWidth) {
            return s;
        }
        String ell = "\u2026";
        int end = s.length();
        while (end > 1) {
            end = s.offsetByCodePoints(end, -1);
            String t = s.substring(0, end) + ell;
            if (of(t, fontSize) <= maxWidth) {
                return t;
            }
        }
        return s.substring(0, s.offsetByCodePoints(0, 1)) + ell;
    }
}
