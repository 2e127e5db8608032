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
        // ranges of whole 64-element blocks (elementwise: any split gives the same bits)
        ParallelPass.get(body, 0, batch).grad(dy, dyo).out(y, yo).inputGrad(dx, dxo)
                .run(ctx.pool(), n, 64, n >= PARALLEL_MIN);
    }

    /** Below this many elements backward runs on the calling thread alone. */
    private static final int PARALLEL_MIN = 1 << 16;

    /** This layer's work for items {@code [from, to)} of pass {@code p}. */
    private final ParallelPass.Body body = this::range;

    private void range(ParallelPass p, int from, int to) {
        Activations.reluBackward(p.y, p.yo + from, p.dy, p.dyo + from, p.dx, p.dxo + from, to - from);
    }
}
