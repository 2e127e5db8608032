package dev.vecprop.kernel;

/**
 * A stack of {@code ch} planes {@code (hh, ww)} copied into a zero border of {@code ph} rows and
 * {@code pw} columns on each side, {@code (ch, hh + 2*ph, ww + 2*pw)}, followed by {@code slack}
 * zeros (room for the whole-vector reads of {@link DirectConv}):
 * <pre>{@code
 *   dst[(c*(hh+2ph) + y+ph)*(ww+2pw) + x+pw] = src[so + (c*hh + y)*ww + x],  every other element 0
 * }</pre>
 * Row copies ({@code System.arraycopy}, vectorised by the JIT) and fills: a data movement with no
 * separate vector form.
 */
public final class ZeroPad {
    private ZeroPad() {}

    /** Floats {@link #pad} writes. */
    public static int size(int ch, int hh, int ww, int ph, int pw, int slack) {
        return ch * (hh + 2 * ph) * (ww + 2 * pw) + slack;
    }

    public static void pad(float[] src, int so, int ch, int hh, int ww, int ph, int pw, float[] dst, int slack) {
        int h2 = hh + 2 * ph;
        int w2 = ww + 2 * pw;
        if (ph == 0 && pw == 0) {
            System.arraycopy(src, so, dst, 0, ch * hh * ww);
            java.util.Arrays.fill(dst, ch * hh * ww, ch * hh * ww + slack, 0f);
            return;
        }
        for (int c = 0; c < ch; c++) {
            int plane = c * h2 * w2;
            java.util.Arrays.fill(dst, plane, plane + ph * w2, 0f);
            for (int y = 0; y < hh; y++) {
                int row = plane + (y + ph) * w2;
                java.util.Arrays.fill(dst, row, row + pw, 0f);
                System.arraycopy(src, so + (c * hh + y) * ww, dst, row + pw, ww);
                java.util.Arrays.fill(dst, row + pw + ww, row + w2, 0f);
            }
            java.util.Arrays.fill(dst, plane + (ph + hh) * w2, plane + h2 * w2, 0f);
        }
        java.util.Arrays.fill(dst, ch * h2 * w2, ch * h2 * w2 + slack, 0f);
    }
}
