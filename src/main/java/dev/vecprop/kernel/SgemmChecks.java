package dev.vecprop.kernel;

import static dev.vecprop.kernel.Sgemm.NR;

/** Argument checks of {@link Sgemm}'s entry points: sizes, layouts, and operands against their arrays. */
final class SgemmChecks {
    private SgemmChecks() {}

    static void validate(int m, int n, int k,
                                 float[] a, int aOff, int lda, Layout aLayout,
                                 float[] b, int bOff, int ldb, Layout bLayout,
                                 float[] c, int cOff, int ldc, Layout cLayout, Epilogue ep) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("sgemm: negative size m=" + m + " n=" + n + " k=" + k);
        }
        if (aLayout != Layout.ROW_MAJOR && aLayout != Layout.TRANSPOSED) {
            throw new IllegalArgumentException("sgemm: A must be ROW_MAJOR or TRANSPOSED, got " + aLayout);
        }
        if (cLayout != Layout.ROW_MAJOR && cLayout != Layout.PANELS) {
            throw new IllegalArgumentException("sgemm: C must be ROW_MAJOR or PANELS, got " + cLayout);
        }
        if (ep.kind != Epilogue.Kind.NONE && cLayout != Layout.ROW_MAJOR) {
            throw new IllegalArgumentException("sgemm: epilogue " + ep.kind + " needs a ROW_MAJOR C");
        }
        checkOperand("A", a, aOff, lda, aLayout, m, k);
        if (bLayout != null) {
            checkOperand("B", b, bOff, ldb, bLayout, k, n);
        }
        checkOperand("C", c, cOff, ldc, cLayout, m, n);
        ep.checkBounds(m, n);
    }

    private static void checkOperand(String name, float[] x, int off, int ld, Layout layout, int rows, int cols) {
        if (x == null) {
            throw new IllegalArgumentException("sgemm: " + name + " is null");
        }
        if (off < 0) {
            throw new IllegalArgumentException("sgemm: " + name + " offset " + off + " < 0");
        }
        if (rows == 0 || cols == 0) {
            return;
        }
        long last; // one past the highest index touched
        long minLd;
        switch (layout) {
            case ROW_MAJOR -> {
                minLd = cols;
                last = off + (long) (rows - 1) * ld + cols;
            }
            case TRANSPOSED -> {
                minLd = rows;
                last = off + (long) (cols - 1) * ld + rows;
            }
            case PANELS -> {
                minLd = (long) rows * NR;
                last = off + (long) ((cols + NR - 1) / NR - 1) * ld + (long) rows * NR;
            }
            case PANELS_TRANSPOSED -> {
                minLd = (long) cols * NR;
                last = off + (long) ((rows - 1) / NR) * ld + (long) (cols - 1) * NR + (rows - 1) % NR + 1;
            }
            default -> throw new IllegalStateException();
        }
        if (ld < minLd) {
            throw new IllegalArgumentException("sgemm: " + name + " (" + rows + "x" + cols + ", " + layout
                    + ") needs a leading dimension >= " + minLd + ", got " + ld);
        }
        if (last > x.length) {
            throw new IllegalArgumentException("sgemm: " + name + " (" + rows + "x" + cols + ", " + layout
                    + ", offset " + off + ", ld " + ld + ") needs " + last + " floats, array has " + x.length);
        }
    }
}
