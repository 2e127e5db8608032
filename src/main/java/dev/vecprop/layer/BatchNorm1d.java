package dev.vecprop.layer;

/**
 * Batch normalisation over the batch for each of F features, as PyTorch's {@code BatchNorm1d} on
 * {@code (B, F)} (see {@link BatchNorm}): training needs at least 2 samples per batch.
 */
public final class BatchNorm1d extends BatchNorm {
    /**
     * Creates the layer with PyTorch's defaults, eps 1e-5 and momentum 0.1.
     *
     * @param features the number of features F of the {@code (F)} input
     * @throws dev.vecprop.ConfigException if {@code features} is not positive
     */
    public BatchNorm1d(int features) {
        this(features, 1e-5f, 0.1f);
    }

    /**
     * Creates the layer.
     *
     * @param features the number of features F of the {@code (F)} input
     * @param eps      added to the variance before the square root, greater than 0
     * @param momentum the running statistics' update weight per training batch, in [0, 1]
     * @throws dev.vecprop.ConfigException if {@code features} is not positive, {@code eps} not
     *                                     positive or {@code momentum} outside [0, 1]
     */
    public BatchNorm1d(int features, float eps, float momentum) {
        super(features, eps, momentum);
    }

    @Override
    public LayerConfig config() {
        return LayerConfig.of("BatchNorm1d", "features", channels, "eps", eps(), "momentum", momentum());
    }

    @Override
    public String describe() {
        return "BatchNorm1d(" + channels + ")";
    }

    @Override
    protected Shape computeOutputShape(Shape input) {
        if (input.rank() != 1 || input.dim(0) != channels) {
            throw new ShapeException(describe() + " expects input (" + channels + "), got " + input);
        }
        hw = 1;
        return input;
    }
}
