package dev.vecprop.kernel;

/**
 * The scalar twin of {@link Sgemm}: the plain triple loop that defines what every fast path
 * must compute, used as the test oracle. Products are accumulated in double, so it is the more
 * accurate of the two; compare with a tolerance relative to {@code sum |a||b|}.
 */
public final class SgemmRef {
    private SgemmRef() {}

    /** Same contract as {@link Sgemm#sgemm}. */
    public static void sgemm(int m, int n, int k,
                             float[] a, int aOff, int lda, Layout aLayout,
                             float[] b, int bOff, int ldb, Layout bLayout,
                             float beta, float[] c, int cOff, int ldc, Layout cLayout,
                             Epilogue ep) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += (double) at(a, aOff, lda, aLayout, i, p) * at(b, bOff, ldb, bLayout, p, j);
                }
                int ci = index(cOff, ldc, cLayout, i, j);
                float v = beta == 0f ? (float) s : (float) (s + (double) beta * c[ci]);
                c[ci] = ep.apply(v, i, j);
            }
        }
    }

    /** Element (r,c) of an operand in the given layout (see {@link Layout}). */
    public static float at(float[] x, int off, int ld, Layout layout, int r, int c) {
        return x[index(off, ld, layout, r, c)];
    }

    static int index(int off, int ld, Layout layout, int r, int c) {
        int nr = Panels.width();
        return switch (layout) {
            case ROW_MAJOR -> off + r * ld + c;
            case TRANSPOSED -> off + c * ld + r;
            case PANELS -> off + (c / nr) * ld + r * nr + c % nr;
            case PANELS_TRANSPOSED -> off + (r / nr) * ld + c * nr + r % nr;
        };
    }
}
