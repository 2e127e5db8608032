package dev.vecprop.layer;

/** Shape bookkeeping shared by the layers: build once, remember the input and output shapes. */
public abstract class AbstractLayer implements Layer {
    private Shape in;
    private Shape out;

    /** Computes the output shape for {@code input} or throws {@link ShapeException} saying what was expected. */
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

    /** Elements per sample of the input. */
    protected final int inSize() {
        return inputShape().size();
    }

    /** Elements per sample of the output. */
    protected final int outSize() {
        return outputShape().size();
    }

    private void requireBuilt() {
        if (in == null) {
            throw new IllegalStateException(describe() + " is not built into a model yet");
        }
    }

    @Override
    public String toString() {
        return describe();
    }
}
