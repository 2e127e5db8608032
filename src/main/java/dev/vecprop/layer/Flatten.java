package dev.vecprop.layer;

/** {@code (C,H,W) -> (C*H*W)}: the data are already flat per sample, so both passes are a copy. */
public final class Flatten extends AbstractLayer {
    /** Creates a flatten layer; it has no parameters. */
    public Flatten() {
    }

    @Override
    public LayerConfig config() {
        return LayerConfig.of("Flatten");
    }

    @Override
    public String describe() {
        return "Flatten";
    }

    @Override
    protected Shape computeOutputShape(Shape input) {
        return Shape.of(input.size());
    }

    @Override
    public void forward(Context ctx, int batch, float[] x, int xo, float[] y, int yo, float[] ws, int wo) {
        // x (B,C,H,W) -> y (B,C*H*W)
        System.arraycopy(x, xo, y, yo, batch * inSize());
    }

    @Override
    public void backward(Context ctx, int batch, float[] x, int xo, float[] y, int yo,
                         float[] dy, int dyo, float[] dx, int dxo, float[] ws, int wo) {
        if (dx != null) {
            System.arraycopy(dy, dyo, dx, dxo, batch * inSize());
        }
    }
}
