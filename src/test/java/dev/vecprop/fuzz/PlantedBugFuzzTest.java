package dev.vecprop.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The control experiment for the fuzzing set-up: a header check with a planted bug that only an
 * input with a specific 4-byte type/rank word and a specific 32-bit dimension reaches. In regression
 * mode (plain {@code mvn verify}) it passes; in fuzzing mode ({@code JAZZER_FUZZ=1}) Jazzer must find
 * the crash within seconds, which {@code .ci/run} checks — a fuzz harness that cannot find this
 * cannot be trusted to find anything.
 */
class PlantedBugFuzzTest {

    static void plantedHeaderCheck(byte[] b) {
        if (b.length < 8) {
            return;
        }
        int word = ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
        if (word == 0x00000D02) {
            int dim = ((b[4] & 0xFF) << 24) | ((b[5] & 0xFF) << 16) | ((b[6] & 0xFF) << 8) | (b[7] & 0xFF);
            if (dim == 0x7FFF0001) {
                throw new IllegalStateException("PLANTED BUG reached: f32 rank-2 header with dimension 0x7FFF0001");
            }
        }
    }

    @FuzzTest(maxDuration = "60s")
    void plantedBug(byte[] data) {
        plantedHeaderCheck(data);
    }
}
