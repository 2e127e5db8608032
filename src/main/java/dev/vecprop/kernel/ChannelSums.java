package dev.vecprop.kernel;

/**
 * The bias gradient of a convolution: {@code db[dbo + o] += sum over s < batch, j < n of dy[dyo + (s*channels + o)*n + j]}
 * for channels {@code [o0, o1)}, in four interleaved partial sums per channel combined in a fixed order
 * (so any split of channels over threads gives the same bits). Scalar: its own reference.
 */
public final class ChannelSums {
    private ChannelSums() {}

    public static void accumulate(float[] dy, int dyo, int batch, int channels, int n, int o0, int o1, float[] db, int dbo) {
        for (int o = o0; o < o1; o++) {
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
            for (int s = 0; s < batch; s++) {
                int row = dyo + (s * channels + o) * n;
                int j = 0;
                for (; j + 4 <= n; j += 4) {
                    s0 += dy[row + j];
                    s1 += dy[row + j + 1];
                    s2 += dy[row + j + 2];
                    s3 += dy[row + j + 3];
                }
                for (; j < n; j++) {
                    s0 += dy[row + j];
                }
            }
            db[dbo + o] += (s0 + s1) + (s2 + s3);
        }
    }
}
