package dev.vecprop.layer;

/** A layer whose output has its input's shape and whose work is one elementwise kernel per pass. */
public abstract class ElementwiseLayer extends AbstractLayer {
    /** Constructor for subclasses. */
    protected ElementwiseLayer() {
    }

    @Override
    protected Shape computeOutputShape(Shape input) {
        return input;
    }
}
