package dev.vecprop.kernel;

/** Scalar twin of {@link Transpose}: the definition, in 8 x 64 blocks (a few cache lines of each side at a time). */
public final class TransposeRef {
    private TransposeRef() {}

    private static final int BI = 8;
    private static final int BJ = 64;

    public static void transpose(float[] a, int ao, int lda, int rows, int cols, float[] t, int to, int ldt) {
        part(a, ao, lda, 0, rows, 0, cols, t, to, ldt);
    }

    /** Rows {@code [from, rows)} x columns {@code [c0, cols)} of the transpose, with their zero fill. */
    static void part(float[] a, int ao, int lda, int from, int rows, int c0, int cols, float[] t, int to, int ldt) {
        for (int j0 = c0; j0 < cols; j0 += BJ) {
            int j1 = Math.min(cols, j0 + BJ);
            for (int i0 = from; i0 < rows; i0 += BI) {
                int i1 = Math.min(rows, i0 + BI);
                for (int j = j0; j < j1; j++) {
                    int d = to + j * ldt;
                    for (int i = i0; i < i1; i++) {
                        t[d + i] = a[ao + i * lda + j];
                    }
                }
            }
            if (ldt > rows) {
                for (int j = j0; j < j1; j++) {
                    java.util.Arrays.fill(t, to + j * ldt + rows, to + (j + 1) * ldt, 0f);
                }
            }
        }
    }
}
