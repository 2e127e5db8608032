package dev.vecprop.kernel;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class PanelsTest {
    @Test
    void packAndUnpackRoundTripWithZeroPadding() {
        Random rnd = new Random(3);
        for (int[] s : new int[][]{{1, 1}, {3, 5}, {17, 33}, {784, 10}, {5, 129}}) {
            int rows = s[0];
            int cols = s[1];
            float[] w = new float[rows * cols];
            for (int i = 0; i < w.length; i++) {
                w[i] = rnd.nextFloat() + 0.5f;
            }
            float[] p = new float[Panels.size(rows, cols) + 2];
            Panels.pack(w, 0, cols, false, rows, cols, p, 2);
            int nonZero = 0;
            for (float v : p) {
                if (v != 0f) {
                    nonZero++;
                }
            }
            assertThat(nonZero).as("padding is zero").isEqualTo(rows * cols);
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    assertThat(p[2 + Panels.index(rows, r, c)]).isEqualTo(w[r * cols + c]);
                }
            }
            float[] back = new float[rows * cols];
            Panels.unpack(p, 2, rows, cols, back, 0, cols, false);
            assertThat(back).containsExactly(w);
            // transposed: pack W^T given W (cols x rows), as a Linear layer does with its weight
            float[] wt = new float[rows * cols];
            Panels.unpack(p, 2, rows, cols, wt, 0, rows, true);
            float[] p2 = new float[Panels.size(rows, cols) + 2];
            Panels.pack(wt, 0, rows, true, rows, cols, p2, 2);
            assertThat(p2).containsExactly(p);
        }
    }
}
