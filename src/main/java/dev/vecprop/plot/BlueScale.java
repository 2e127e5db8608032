package dev.vecprop.plot;

/**
 * The sequential white-to-blue colour scale of the heat map (ColorBrewer "Blues", nine classes,
 * interpolated linearly in sRGB): light for a share near 0, dark blue for a share near 1. Its
 * lightness falls monotonically, so it reads the same with any colour-vision deficiency and in grey.
 */
final class BlueScale {
    private static final int[] STOPS = {
        0xf7fbff, 0xdeebf7, 0xc6dbef, 0x9ecae1, 0x6baed6, 0x4292c6, 0x2171b5, 0x08519c, 0x08306b,
    };

    /** Dark text colour used on light cells. */
    static final String DARK_TEXT = "#1a1a1a";
    /** Light text colour used on dark cells. */
    static final String LIGHT_TEXT = "#ffffff";

    private BlueScale() {
    }

    /** The colour of {@code share} in [0, 1] (clamped) as 0xRRGGBB. */
    static int rgb(double share) {
        double s = Double.isNaN(share) ? 0 : Math.max(0, Math.min(1, share));
        double pos = s * (STOPS.length - 1);
        int i = Math.min(STOPS.length - 2, (int) pos);
        double t = pos - i;
        int a = STOPS[i];
        int b = STOPS[i + 1];
        int r = mix(a >> 16, b >> 16, t);
        int g = mix(a >> 8, b >> 8, t);
        int bl = mix(a, b, t);
        return (r << 16) | (g << 8) | bl;
    }

    private static int mix(int a, int b, double t) {
        int x = a & 0xff;
        int y = b & 0xff;
        return (int) Math.round(x + (y - x) * t);
    }

    /** {@code rgb} as {@code "#rrggbb"}. */
    static String hex(int rgb) {
        String h = Integer.toHexString(rgb | 0x1000000);
        return "#" + h.substring(1);
    }

    /**
     * The text colour with the higher WCAG contrast ratio on background {@code rgb}:
     * {@link #LIGHT_TEXT} on dark cells, {@link #DARK_TEXT} on light ones.
     */
    static String textOn(int rgb) {
        double bg = luminance(rgb);
        double white = 1.05 / (bg + 0.05);
        double dark = (bg + 0.05) / (luminance(0x1a1a1a) + 0.05);
        return white > dark ? LIGHT_TEXT : DARK_TEXT;
    }

    /** WCAG relative luminance of an sRGB colour, in [0, 1]. */
    static double luminance(int rgb) {
        return 0.2126 * linear(rgb >> 16) + 0.7152 * linear(rgb >> 8) + 0.0722 * linear(rgb);
    }

    private static double linear(int channel) {
        double c = (channel & 0xff) / 255.0;
        return c <= 0.04045 ? c / 12.92 : StrictMath.pow((c + 0.055) / 1.055, 2.4);
    }

    /** The colour stops as {@code "#rrggbb"}, from share 0 to share 1 at equal spacing. */
    static String[] stops() {
        String[] s = new String[STOPS.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = hex(STOPS[i]);
        }
        return s;
    }
}
