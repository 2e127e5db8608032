package dev.vecprop.simd;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SimdTest {
    @Test
    void speciesMatchesTheChosenWidth() {
        if (Simd.ENABLED) {
            // Regression: a class-initialisation cycle once left the species at 128 bits.
            assertThat(FloatSpecies.SPECIES.vectorBitSize()).isEqualTo(Simd.VECTOR_BITS);
            assertThat(FloatSpecies.SPECIES.length()).isEqualTo(Simd.LANES);
        } else {
            assertThat(Simd.LANES).isEqualTo(1);
            assertThat(Simd.SCALAR_REASON).isNotBlank();
        }
    }

    @Test
    void honoursTheWidthProperty() {
        int want = Tuning.VECTOR_BITS;
        if (want >= 0) {
            assertThat(Simd.VECTOR_BITS).isEqualTo(Math.min(want, Simd.MAX_BITS));
        } else {
            assertThat(Simd.VECTOR_BITS).isEqualTo(Simd.MAX_BITS);
        }
    }

    @Test
    void describesItself() {
        assertThat(Simd.describe()).isNotBlank();
        assertThat(GemmTiling.describe()).contains("MR=" + GemmTiling.MR).contains("NR=" + GemmTiling.NR);
        assertThat(GemmTiling.MC % GemmTiling.MR).isZero();
        assertThat(GemmTiling.NC % GemmTiling.NR).isZero();
    }

    @Test
    void fmaPeakCountsItsWork() {
        if (Simd.ENABLED) {
            assertThat(FmaPeak.flops(10)).isEqualTo(10L * FmaPeak.CHAINS * 2 * Simd.LANES);
            assertThat(FmaPeak.run(1000, 1f)).isFinite();
        }
    }
}
