package dev.vecprop.layer;

/** Shape bookkeeping shared by the layers: build once, remember the input and output shapes. */
public abstract class AbstractLayer implements Layer {
    private Shape in;
    private Shape out;

    /** Constructor for subclasses; the layer is unbuilt until a model calls {@link #build}. */
    protected AbstractLayer() {
    }

    /**
     * Computes the output shape for an input shape; {@link #build} calls it and records both.
     *
     * @param input the shape of one input sample
     * @return the shape of one output sample
     * @throws ShapeException if the layer cannot take {@code input}; the message says what was expected
     */
    protected abstract Shape computeOutputShape(Shape input);

    @Override
    public final Shape build(Shape input) {
        Shape o = computeOutputShape(input);
        if (in != null && !in.equals(input)) {
            throw new ShapeException(describe() + " is already part of a model with input " + in
                    + "; a layer instance can be built only once");
        }
        in = input;
        out = o;
        return o;
    }

    @Override
    public final Shape inputShape() {
        requireBuilt();
        return in;
    }

    @Override
    public final Shape outputShape() {
        requireBuilt();
        return out;
    }

    /**
     * {@return the number of floats per input sample, {@code inputShape().size()}}
     *
     * @throws dev.vecprop.ConfigException if the layer is not built into a model yet
     */
    protected final int inSize() {
        return inputShape().size();
    }

    /**
     * {@return the number of floats per output sample, {@code outputShape().size()}}
     *
     * @throws dev.vecprop.ConfigException if the layer is not built into a model yet
     */
    protected final int outSize() {
        return outputShape().size();
    }

    private void requireBuilt() {
        if (in == null) {
            throw new dev.vecprop.ConfigException(describe() + " is not built into a model yet: add it to a Sequential first");
        }
    }

    @Override
    public String toString() {
        return describe();
    }
}
