package dev.vecprop.kernel;

/** Scalar twin of {@link TileNonzeros} (and its test oracle). */
final class TileNonzerosRef {
    private TileNonzerosRef() {}

    static long count(float[] a, int off, int rows, int cols, int ld) {
        long n = 0;
        for (int r0 = 0; r0 < rows; r0 += TileNonzeros.BAND) {
            int r1 = Math.min(rows, r0 + TileNonzeros.BAND);
            for (int c = 0; c < cols; c++) {
                for (int r = r0; r < r1; r++) {
                    float v = a[off + r * ld + c];
                    if (v != 0f || v != v) {
                        n++;
                        break;
                    }
                }
            }
        }
        return n;
    }
}
