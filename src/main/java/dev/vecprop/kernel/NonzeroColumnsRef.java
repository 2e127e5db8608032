package dev.vecprop.kernel;

/** Scalar twin of {@link NonzeroColumns} (and its test oracle). */
final class NonzeroColumnsRef {
    private NonzeroColumnsRef() {}

    /** {@code bits[c] = OR over rows of floatToRawIntBits(a[r][c])}, c < cols. */
    static void orRows(float[] a, int off, int rows, int cols, int ld, int[] bits) {
        java.util.Arrays.fill(bits, 0, cols, 0);
        for (int r = 0; r < rows; r++) {
            int ro = off + r * ld;
            for (int c = 0; c < cols; c++) {
                bits[c] |= Float.floatToRawIntBits(a[ro + c]);
            }
        }
    }

    /** The columns whose OR-ed bits, sign bit ignored, are not zero (so -0.0 counts as zero). */
    static int list(int[] bits, int cols, int[] idx) {
        int n = 0;
        for (int c = 0; c < cols; c++) {
            if ((bits[c] & 0x7fffffff) != 0) {
                idx[n++] = c;
            }
        }
        return n;
    }

    /** Straightforward definition, for tests: columns with an element that is not +-0. */
    static int findNaive(float[] a, int off, int rows, int cols, int ld, int[] idx) {
        int n = 0;
        for (int c = 0; c < cols; c++) {
            for (int r = 0; r < rows; r++) {
                float v = a[off + r * ld + c];
                if (v != 0f || Float.isNaN(v)) {
                    idx[n++] = c;
                    break;
                }
            }
        }
        return n;
    }
}
