package dev.vecprop.plot;

/**
 * Rendered width of a line of text, used for layout (margins, legends, whether a title fits). The
 * widths are DejaVu Sans's advance widths (Book and Bold, read from the fonts' tables for printable
 * ASCII), the first and widest of the named fonts, so text laid out with them also fits in Arial.
 * Other characters are estimated (wide scripts as one em).
 */
final class TextWidth {
    /** DejaVu Sans Book advance widths in 1/1000 em for the characters 32..126. */
    private static final short[] BOOK = {
        318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337,
        636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531,
        1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787,
        603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500,
        500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612,
        635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838};
    /** DejaVu Sans Bold advance widths in 1/1000 em for the characters 32..126. */
    private static final short[] BOLD = {
        348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365,
        696, 696, 696, 696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580,
        1000, 774, 762, 734, 830, 683, 683, 821, 837, 372, 372, 775, 637, 995, 837, 850,
        733, 850, 770, 720, 682, 812, 774, 1103, 771, 724, 725, 457, 365, 457, 838, 500,
        500, 675, 716, 593, 716, 678, 435, 716, 712, 343, 343, 665, 343, 1042, 712, 687,
        716, 716, 493, 595, 478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838};

    private TextWidth() {
    }

    /** Width in user units of {@code s} in the regular weight at {@code fontSize} user units. */
    static double of(String s, double fontSize) {
        return width(s, fontSize, BOOK);
    }

    /** Width in user units of {@code s} in bold at {@code fontSize} user units. */
    static double ofBold(String s, double fontSize) {
        return width(s, fontSize, BOLD);
    }

    private static double width(String s, double fontSize, short[] table) {
        double milli = 0;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (c >= 32 && c < 127) {
                milli += table[c - 32];
            } else if (c >= 0x2E80) {
                milli += 1000; // CJK and other wide scripts
            } else {
                milli += table == BOLD ? 780 : 700; // accented Latin, Greek, symbols, the ellipsis: generous
            }
        }
        return milli / 1000 * fontSize;
    }

    /**
     * {@code s} if it fits in {@code maxWidth} user units at {@code fontSize} (regular weight), else its
     * longest prefix that fits followed by an ellipsis (at least one character and the ellipsis).
     */
    static String fit(String s, double fontSize, double maxWidth) {
        return fit(s, fontSize, maxWidth, BOOK);
    }

    /** {@link #fit(String, double, double)} for bold text. */
    static String fitBold(String s, double fontSize, double maxWidth) {
        return fit(s, fontSize, maxWidth, BOLD);
    }

    private static String fit(String s, double fontSize, double maxWidth, short[] table) {
        if (width(s, fontSize, table) <= maxWidth) {
            return s;
        }
        String ell = "\u2026";
        int end = s.length();
        while (end > 1) {
            end = s.offsetByCodePoints(end, -1);
            String t = s.substring(0, end) + ell;
            if (width(t, fontSize, table) <= maxWidth) {
                return t;
            }
        }
        return s.substring(0, s.offsetByCodePoints(0, 1)) + ell;
    }
}
