package dev.vecprop.layer;

/** Batch normalisation per channel of NCHW activations, as PyTorch's {@code BatchNorm2d} (see {@link BatchNorm}). */
public final class BatchNorm2d extends BatchNorm {
    public BatchNorm2d(int channels) {
        this(channels, 1e-5f, 0.1f);
    }

    public BatchNorm2d(int channels, float eps, float momentum) {
        super(channels, eps, momentum);
    }

    @Override
    public LayerConfig config() {
        return LayerConfig.of("BatchNorm2d", "features", channels, "eps", eps(), "momentum", momentum());
    }

    @Override
    public String describe() {
        return "BatchNorm2d(" + channels + ")";
    }

    @Override
    protected Shape computeOutputShape(Shape input) {
        if (input.rank() != 3 || input.dim(0) != channels) {
            throw new ShapeException(describe() + " expects input (" + channels + ",H,W), got " + input);
        }
        hw = input.dim(1) * input.dim(2);
        return input;
    }
}
