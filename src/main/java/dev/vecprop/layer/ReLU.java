package dev.vecprop.layer;

import dev.vecprop.kernel.Activations;

/**
 * {@code y = max(x, 0)}. Backward uses only y ({@code dx = dy * [y > 0]}), so a preceding
 * {@link Linear} can fuse the forward into its GEMM epilogue and a following one can fuse the
 * backward mask into its input-gradient GEMM ({@link Sequential} does both).
 */
public final class ReLU extends ElementwiseLayer {
    /** Creates a ReLU layer; it has no parameters. */
    public ReLU() {
    }

    @Override
    public LayerConfig config() {
        return LayerConfig.of("ReLU");
    }

    @Override
    public String describe() {
        return "ReLU";
    }

    @Override
    public void forward(Context ctx, int batch, float[] x, int xo, float[] y, int yo, float[] ws, int wo) {
        // x (B,F) -> y (B,F)
        Activations.relu(x, xo, y, yo, batch * inSize());
    }

    @Override
    public void backward(Context ctx, int batch, float[] x, int xo, float[] y, int yo,
                         float[] dy, int dyo, float[] dx, int dxo, float[] ws, int wo) {
        // dy (B,F), y (B,F) -> dx (B,F)
        if (dx == null) {
            return;
        }
        int n = batch * inSize();
        if (ctx.pool().threads() == 1 || n < PARALLEL_MIN) {
            Activations.reluBackward(y, yo, dy, dyo, dx, dxo, n);
            return;
        }
        Backward t = BACKWARD.get();
        t.set(n, y, yo, dy, dyo, dx, dxo);
        try {
            ctx.pool().run(t);
        } finally {
            t.set(0, null, 0, null, 0, null, 0);
        }
    }

    /** Below this many elements backward runs on the calling thread alone. */
    private static final int PARALLEL_MIN = 1 << 16;

    private static final ThreadLocal<Backward> BACKWARD = ThreadLocal.withInitial(Backward::new);

    /** Backward split over the workers in ranges of whole vectors (elementwise: any split gives the same bits). */
    private static final class Backward implements dev.vecprop.concurrent.WorkerPool.Task {
        int n;
        float[] y;
        int yo;
        float[] dy;
        int dyo;
        float[] dx;
        int dxo;

        void set(int n, float[] y, int yo, float[] dy, int dyo, float[] dx, int dxo) {
            this.n = n;
            this.y = y;
            this.yo = yo;
            this.dy = dy;
            this.dyo = dyo;
            this.dx = dx;
            this.dxo = dxo;
        }

        @Override
        public void run(int worker, int workers) {
            int from = (int) ((long) n * worker / workers) & ~63;
            int to = worker + 1 == workers ? n : (int) ((long) n * (worker + 1) / workers) & ~63;
            if (to > from) {
                Activations.reluBackward(y, yo + from, dy, dyo + from, dx, dxo + from, to - from);
            }
        }
    }
}
