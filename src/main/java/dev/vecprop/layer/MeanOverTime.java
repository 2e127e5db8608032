package dev.vecprop.layer;

/**
 * The mean over the time steps of a sequence, {@code (T, features) -> (features)}: PyTorch's
 * {@code h.mean(1)} on a batch-first {@code (B, T, features)} tensor. With a {@link PaddingMask} on
 * the context only the valid steps count: {@code y(b) = sum of x(b, t) over valid t / their number},
 * and padded steps get a zero gradient. Backward: {@code dx(b, t, :) = dy(b, :) / n_b}.
 */
public final class MeanOverTime extends AbstractLayer {
    private int steps;
    private int features;

    /** Creates the layer; its sizes come from the input shape. */
    public MeanOverTime() {
    }

    @Override
    public LayerConfig config() {
        return LayerConfig.of("MeanOverTime");
    }

    @Override
    public String describe() {
        return "MeanOverTime";
    }

    @Override
    protected Shape computeOutputShape(Shape input) {
        if (input.rank() != 2) {
            throw new ShapeException(describe() + " expects a sequence (T, features), got " + input);
        }
        steps = input.dim(0);
        features = input.dim(1);
        return Shape.of(features);
    }

    private boolean[] mask(Context ctx, int batch) {
        PaddingMask m = ctx.paddingMask();
        if (m == null) {
            return null;
        }
        m.check(this, batch, steps);
        return m.flags();
    }

    @Override
    public void forward(Context ctx, int batch, float[] x, int xo, float[] y, int yo, float[] ws, int wo) {
        // x (B,T,F) -> y (B,F) = mean over the valid t
        boolean[] pad = mask(ctx, batch);
        int t = steps;
        int f = features;
        for (int b = 0; b < batch; b++) {
            int yi = yo + b * f;
            java.util.Arrays.fill(y, yi, yi + f, 0f);
            int n = 0;
            for (int s = 0; s < t; s++) {
                if (pad != null && pad[b * t + s]) {
                    continue;
                }
                dev.vecprop.kernel.Activations.add(y, yi, x, xo + (b * t + s) * f, y, yi, f);
                n++;
            }
            float inv = n == 0 ? 0f : 1f / n;
            for (int j = 0; j < f; j++) {
                y[yi + j] *= inv;
            }
        }
    }

    @Override
    public void backward(Context ctx, int batch, float[] x, int xo, float[] y, int yo,
                         float[] dy, int dyo, float[] dx, int dxo, float[] ws, int wo) {
        // dy (B,F) -> dx (B,T,F) = dy / n_b at valid t, 0 at padded t
        if (dx == null) {
            return;
        }
        boolean[] pad = mask(ctx, batch);
        int t = steps;
        int f = features;
        for (int b = 0; b < batch; b++) {
            int n = t;
            if (pad != null) {
                n = 0;
                for (int s = 0; s < t; s++) {
                    n += pad[b * t + s] ? 0 : 1;
                }
            }
            float inv = n == 0 ? 0f : 1f / n;
            for (int s = 0; s < t; s++) {
                int di = dxo + (b * t + s) * f;
                if (pad != null && pad[b * t + s]) {
                    java.util.Arrays.fill(dx, di, di + f, 0f);
                    continue;
                }
                for (int j = 0; j < f; j++) {
                    dx[di + j] = dy[dyo + b * f + j] * inv;
                }
            }
        }
    }
}
