package dev.vecprop.kernel;

import dev.vecprop.concurrent.WorkerPool;
import dev.vecprop.simd.GemmTiling;
import dev.vecprop.simd.Simd;
import dev.vecprop.simd.Tuning;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link Sgemm} against its scalar twin {@link SgemmRef}: every operand layout, odd sizes that hit
 * every row/column/depth tail of the tile and cache blocks, beta 0/1/other, every epilogue, and 1
 * vs 2 threads (which must agree bit for bit). Surefire runs this class at vector widths
 * 0, 128 (with small cache blocks), 256 and the machine's widest.
 */
class SgemmTest {
    private static WorkerPool two;

    @BeforeAll
    static void pool() {
        two = new WorkerPool(2);
    }

    @AfterAll
    static void close() {
        two.close();
    }

    /** (m, n, k) triples: tails of MR in {4,6,8,12,14}, of NR in {8,16,24,32}, k across KC blocks (k = 1700: three of the AVX2 default KC 800). */
    static final int[][] SIZES = {
            {1, 1, 1}, {1, 3, 2}, {3, 1, 17}, {5, 7, 3}, {7, 9, 1}, {13, 33, 17}, {17, 63, 65},
            {63, 65, 127}, {65, 127, 3}, {127, 17, 300}, {1, 784, 17}, {64, 10, 128},
            {64, 256, 784}, {300, 129, 64}, {25, 47, 600}, {9, 35, 1700}};

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        Layout[] as = {Layout.ROW_MAJOR, Layout.TRANSPOSED};
        Layout[] bs = Layout.values();
        Layout[] cs = {Layout.ROW_MAJOR, Layout.PANELS};
        float[] betas = {0f, 1f, -0.5f};
        int i = 0;
        for (int[] s : SIZES) {
            for (Layout a : as) {
                for (Layout b : bs) {
                    for (Layout c : cs) {
                        float beta = betas[i++ % betas.length];
                        out.add(Arguments.of(s[0], s[1], s[2], a, b, c, beta));
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}x{1}x{2} A {3} B {4} C {5} beta {6}")
    @MethodSource("cases")
    void matchesScalarTwinAndIsThreadCountInvariant(int m, int n, int k, Layout al, Layout bl, Layout cl, float beta) {
        Random rnd = new Random(31L * m + 7L * n + k + al.ordinal() * 3L + bl.ordinal() * 11L);
        Operands o = Operands.random(rnd, m, n, k, al, bl, cl);
        float[] expected = o.c.clone();
        SgemmRef.sgemm(m, n, k, o.a, o.aOff, o.lda, al, o.b, o.bOff, o.ldb, bl, beta, expected, o.cOff, o.ldc, cl,
                Epilogue.NONE);
        float[] one = o.c.clone();
        Sgemm.sgemm(m, n, k, o.a, o.aOff, o.lda, al, o.b, o.bOff, o.ldb, bl, beta, one, o.cOff, o.ldc, cl,
                Epilogue.NONE, null);
        float[] par = o.c.clone();
        Sgemm.sgemm(m, n, k, o.a, o.aOff, o.lda, al, o.b, o.bOff, o.ldb, bl, beta, par, o.cOff, o.ldc, cl,
                Epilogue.NONE, two);
        o.assertClose(expected, one, beta, 0f);
        assertThat(floatBits(par)).as("2 threads must equal 1 thread bit for bit").isEqualTo(floatBits(one));
    }

    @ParameterizedTest(name = "{0}x{1}x{2} epilogue {3}")
    @MethodSource("epilogueCases")
    void fusedEpiloguesMatchScalarTwin(int m, int n, int k, Epilogue.Kind kind) {
        Random rnd = new Random(m * 131L + n * 17L + k + kind.ordinal());
        Operands o = Operands.random(rnd, m, n, k, Layout.ROW_MAJOR, Layout.PANELS, Layout.ROW_MAJOR);
        float[] bias = new float[Math.max(m, 2 * n) + 3];
        for (int j = 0; j < bias.length; j++) {
            bias[j] = (float) rnd.nextGaussian();
        }
        float[] mask = new float[m * n + 5];
        for (int j = 0; j < mask.length; j++) {
            mask[j] = rnd.nextBoolean() ? 0f : rnd.nextFloat();
        }
        Epilogue ep = switch (kind) {
            case NONE -> Epilogue.NONE;
            case BIAS -> Epilogue.bias(bias, 3);
            case RELU -> Epilogue.RELU;
            case BIAS_RELU -> Epilogue.biasRelu(bias, 2);
            case RELU_MASK -> Epilogue.reluMask(mask, 5, n);
            case ROW_BIAS -> Epilogue.rowBias(bias, 1, false);
            case ROW_BIAS_RELU -> Epilogue.rowBias(bias, 3, true);
            case SCALE_BIAS -> Epilogue.scaleBias(bias, 1, n, false);
            case SCALE_BIAS_RELU -> Epilogue.scaleBias(bias, 2, n, true);
        };
        float[] expected = o.c.clone();
        SgemmRef.sgemm(m, n, k, o.a, o.aOff, o.lda, Layout.ROW_MAJOR, o.b, o.bOff, o.ldb, Layout.PANELS, 0f,
                expected, o.cOff, o.ldc, Layout.ROW_MAJOR, ep);
        float[] got = o.c.clone();
        Sgemm.sgemm(m, n, k, o.a, o.aOff, o.lda, Layout.ROW_MAJOR, o.b, o.bOff, o.ldb, Layout.PANELS, 0f,
                got, o.cOff, o.ldc, Layout.ROW_MAJOR, ep, two);
        o.assertClose(expected, got, 0f, 4f);
        if (kind == Epilogue.Kind.RELU || kind == Epilogue.Kind.BIAS_RELU || kind == Epilogue.Kind.ROW_BIAS_RELU
                || kind == Epilogue.Kind.SCALE_BIAS_RELU) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    assertThat(got[o.cOff + i * o.ldc + j]).isGreaterThanOrEqualTo(0f);
                }
            }
        }
        if (kind == Epilogue.Kind.RELU_MASK) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    if (mask[5 + i * n + j] <= 0f) {
                        assertThat(got[o.cOff + i * o.ldc + j]).isEqualTo(0f);
                    }
                }
            }
        }
    }

    static Stream<Arguments> epilogueCases() {
        List<Arguments> out = new ArrayList<>();
        for (int[] s : SIZES) {
            for (Epilogue.Kind kind : Epilogue.Kind.values()) {
                out.add(Arguments.of(s[0], s[1], s[2], kind));
            }
        }
        return out.stream();
    }

    /** B from a {@link Sgemm.PanelSource} (here: packing a row-major matrix) gives the same C as B in memory. */
    @ParameterizedTest(name = "{0}x{1}x{2}")
    @MethodSource("sourceCases")
    void panelSourceMatchesScalarTwin(int m, int n, int k) {
        Random rnd = new Random(m * 7L + n * 13L + k);
        Operands o = Operands.random(rnd, m, n, k, Layout.ROW_MAJOR, Layout.ROW_MAJOR, Layout.ROW_MAJOR);
        int nr = dev.vecprop.simd.GemmTiling.NR;
        Sgemm.PanelSource src = (p0, kc, j0, nc, dst) -> {
            for (int jr = 0; jr < nc; jr += nr) {
                for (int p = 0; p < kc; p++) {
                    for (int t = 0; t < nr; t++) {
                        int j = j0 + jr + t;
                        dst[(jr / nr) * kc * nr + p * nr + t] =
                                jr + t < nc && j < n ? o.b[o.bOff + (p0 + p) * o.ldb + j] : 0f;
                    }
                }
            }
        };
        float[] expected = o.c.clone();
        SgemmRef.sgemm(m, n, k, o.a, o.aOff, o.lda, Layout.ROW_MAJOR, o.b, o.bOff, o.ldb, Layout.ROW_MAJOR, 1f,
                expected, o.cOff, o.ldc, Layout.ROW_MAJOR, Epilogue.NONE);
        float[] one = o.c.clone();
        Sgemm.sgemm(m, n, k, o.a, o.aOff, o.lda, Layout.ROW_MAJOR, src, 1f, one, o.cOff, o.ldc, Layout.ROW_MAJOR,
                Epilogue.NONE, null);
        float[] par = o.c.clone();
        Sgemm.sgemm(m, n, k, o.a, o.aOff, o.lda, Layout.ROW_MAJOR, src, 1f, par, o.cOff, o.ldc, Layout.ROW_MAJOR,
                Epilogue.NONE, two);
        o.assertClose(expected, one, 1f, 0f);
        assertThat(floatBits(par)).as("2 threads must equal 1 thread bit for bit").isEqualTo(floatBits(one));
    }

    static Stream<Arguments> sourceCases() {
        return Stream.of(SIZES).map(s -> Arguments.of(s[0], s[1], s[2]));
    }

    @Test
    void betaZeroNeverReadsC() {
        Operands o = Operands.random(new Random(5), 9, 19, 7, Layout.ROW_MAJOR, Layout.ROW_MAJOR, Layout.ROW_MAJOR);
        java.util.Arrays.fill(o.c, Float.NaN);
        Sgemm.sgemm(9, 19, 7, o.a, o.aOff, o.lda, Layout.ROW_MAJOR, o.b, o.bOff, o.ldb, Layout.ROW_MAJOR, 0f,
                o.c, o.cOff, o.ldc, Layout.ROW_MAJOR, Epilogue.NONE, two);
        for (int i = 0; i < 9; i++) {
            for (int j = 0; j < 19; j++) {
                assertThat(o.c[o.cOff + i * o.ldc + j]).isNotNaN();
            }
        }
    }

    @Test
    void kZeroScalesC() {
        float[] c = {1, 2, 3, 4};
        Sgemm.sgemm(2, 2, 0, new float[0], 0, 1, Layout.ROW_MAJOR, new float[0], 0, 2, Layout.ROW_MAJOR, 0.5f,
                c, 0, 2, Layout.ROW_MAJOR, Epilogue.NONE, null);
        assertThat(c).containsExactly(0.5f, 1f, 1.5f, 2f);
    }

    @Test
    void rejectsOperandsThatDoNotFit() {
        float[] a = new float[6];
        float[] b = new float[9];
        assertThatThrownBy(() -> Sgemm.sgemm(2, 3, 3, a, 0, 3, Layout.ROW_MAJOR, b, 0, 3, Layout.ROW_MAJOR, 0f,
                new float[5], 0, 3, Layout.ROW_MAJOR, Epilogue.NONE, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("C (2x3, ROW_MAJOR").hasMessageContaining("needs 6 floats");
        assertThatThrownBy(() -> Sgemm.sgemm(2, 3, 3, a, 0, 2, Layout.ROW_MAJOR, b, 0, 3, Layout.ROW_MAJOR, 0f,
                new float[6], 0, 3, Layout.ROW_MAJOR, Epilogue.NONE, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("A (2x3").hasMessageContaining("leading dimension");
        assertThatThrownBy(() -> Sgemm.sgemm(-1, 3, 3, a, 0, 3, Layout.ROW_MAJOR, b, 0, 3, Layout.ROW_MAJOR, 0f,
                new float[6], 0, 3, Layout.ROW_MAJOR, Epilogue.NONE, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative size");
        assertThatThrownBy(() -> Sgemm.sgemm(2, 3, 3, a, 0, 3, Layout.PANELS, b, 0, 3, Layout.ROW_MAJOR, 0f,
                new float[6], 0, 3, Layout.ROW_MAJOR, Epilogue.NONE, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("A must be");
        assertThatThrownBy(() -> Sgemm.sgemm(1, 1, 1, a, 0, 1, Layout.ROW_MAJOR, b, 0, 1, Layout.ROW_MAJOR, 0f,
                new float[Panels.size(1, 1)], 0, Panels.stride(1), Layout.PANELS, Epilogue.RELU, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a ROW_MAJOR C");
    }

    @Test
    void reportsTheConfigurationUnderTest() {
        // Visible in the Surefire output of every width execution.
        System.out.println("SgemmTest at vector " + Simd.describe() + ", tile " + GemmTiling.describe());
        assertThat(GemmTiling.NR).isEqualTo(Simd.ENABLED ? GemmTiling.NV * Simd.LANES : 8);
        int want = Tuning.VECTOR_BITS;
        if (want >= 0) {
            assertThat(Simd.VECTOR_BITS).isEqualTo(Math.min(want, Math.max(Simd.MAX_BITS, 0)));
        }
    }

    static int[] floatBits(float[] x) {
        int[] r = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            r[i] = Float.floatToRawIntBits(x[i]);
        }
        return r;
    }

    /** Random operands in the given layouts, with non-zero offsets and padded leading dimensions. */
    static final class Operands {
        int m, n, k;
        float[] a, b, c;
        int aOff, lda, bOff, ldb, cOff, ldc;
        Layout al, bl, cl;

        static Operands random(Random rnd, int m, int n, int k, Layout al, Layout bl, Layout cl) {
            Operands o = new Operands();
            o.m = m;
            o.n = n;
            o.k = k;
            o.al = al;
            o.bl = bl;
            o.cl = cl;
            o.aOff = 3;
            o.lda = (al == Layout.ROW_MAJOR ? k : m) + 2;
            int aRows = al == Layout.ROW_MAJOR ? m : k;
            o.a = gaussian(rnd, o.aOff + aRows * o.lda);
            o.bOff = 1;
            switch (bl) {
                case ROW_MAJOR -> {
                    o.ldb = n + 1;
                    o.b = gaussian(rnd, o.bOff + k * o.ldb);
                }
                case TRANSPOSED -> {
                    o.ldb = k + 3;
                    o.b = gaussian(rnd, o.bOff + n * o.ldb);
                }
                case PANELS -> {
                    o.ldb = Panels.stride(k) + 5;
                    float[] plain = gaussian(rnd, k * n);
                    o.b = new float[o.bOff + ((n + Panels.width() - 1) / Panels.width()) * o.ldb];
                    for (int r = 0; r < k; r++) {
                        for (int cc = 0; cc < n; cc++) {
                            o.b[SgemmRef.index(o.bOff, o.ldb, bl, r, cc)] = plain[r * n + cc];
                        }
                    }
                }
                case PANELS_TRANSPOSED -> {
                    o.ldb = Panels.stride(n) + 2;
                    o.b = new float[o.bOff + ((k + Panels.width() - 1) / Panels.width()) * o.ldb];
                    for (int r = 0; r < k; r++) {
                        for (int cc = 0; cc < n; cc++) {
                            o.b[SgemmRef.index(o.bOff, o.ldb, bl, r, cc)] = (float) rnd.nextGaussian();
                        }
                    }
                }
                default -> throw new IllegalStateException();
            }
            o.cOff = 2;
            if (cl == Layout.ROW_MAJOR) {
                o.ldc = n + 4;
                o.c = gaussian(rnd, o.cOff + m * o.ldc);
            } else {
                o.ldc = Panels.stride(m);
                o.c = gaussian(rnd, o.cOff + Panels.size(m, n));
            }
            return o;
        }

        private static float[] gaussian(Random rnd, int len) {
            float[] x = new float[len];
            for (int i = 0; i < len; i++) {
                x[i] = (float) rnd.nextGaussian();
            }
            return x;
        }

        /**
         * Every element within the rigorous float32 bound {@code (k+2) u sum|a||b| + |beta c|}
         * (u = 2^-24, Higham's gamma_k, plus the final roundings), and every element outside C
         * untouched. {@code extra} adds that many ulps of the value for the epilogue's own rounding.
         */
        void assertClose(float[] expected, float[] got, float beta, float extra) {
            float[] c0 = c;
            java.util.Set<Integer> inC = new java.util.HashSet<>();
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    int ci = SgemmRef.index(cOff, ldc, cl, i, j);
                    inC.add(ci);
                    double bound = 0;
                    for (int p = 0; p < k; p++) {
                        bound += Math.abs((double) SgemmRef.at(a, aOff, lda, al, i, p) * SgemmRef.at(b, bOff, ldb, bl, p, j));
                    }
                    bound += Math.abs(beta * c0[ci]);
                    double tol = (k + 2) * 0x1p-24 * bound * 1.0001 + extra * Math.ulp(Math.abs(expected[ci]) + 1e-30f)
                            + Float.MIN_NORMAL;
                    assertThat((double) got[ci])
                            .as("C(%d,%d) of %dx%dx%d", i, j, m, n, k)
                            .isCloseTo(expected[ci], org.assertj.core.data.Offset.offset(tol));
                }
            }
            for (int x = 0; x < got.length; x++) {
                if (!inC.contains(x)) {
                    assertThat(got[x]).as("element %d outside C must be untouched", x).isEqualTo(c0[x]);
                }
            }
        }
    }
}
