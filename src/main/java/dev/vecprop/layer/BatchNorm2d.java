package dev.vecprop.layer;

/** Batch normalisation per channel of NCHW activations, as PyTorch's {@code BatchNorm2d} (see {@link BatchNorm}). */
public final class BatchNorm2d extends BatchNorm {
    /**
     * Creates the layer with PyTorch's defaults, eps 1e-5 and momentum 0.1.
     *
     * @param channels the number of channels C of the {@code (C,H,W)} input
     * @throws dev.vecprop.ConfigException if {@code channels} is not positive
     */
    public BatchNorm2d(int channels) {
        this(channels, 1e-5f, 0.1f);
    }

    /**
     * Creates the layer.
     *
     * @param channels the number of channels C of the {@code (C,H,W)} input
     * @param eps      added to the variance before the square root, greater than 0
     * @param momentum the running statistics' update weight per training batch, in [0, 1]
     * @throws dev.vecprop.ConfigException if {@code channels} is not positive, {@code eps} not
     *                                     positive or {@code momentum} outside [0, 1]
     */
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
