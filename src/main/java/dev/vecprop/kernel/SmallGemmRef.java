package dev.vecprop.kernel;

/** Scalar twin of {@link SmallGemm}: the definition, one fused multiply-add chain per element. */
public final class SmallGemmRef {
    private SmallGemmRef() {}

    public static void multiply(int m, int n, int k, float[] a, int ao, int ars, int acs,
                                float[] b, int bo, int ldb, float[] c, int co, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = 0f;
                for (int p = 0; p < k; p++) {
                    s = Math.fma(a[ao + i * ars + p * acs], b[bo + p * ldb + j], s);
                }
                c[co + i * ldc + j] = s;
            }
        }
    }
}
