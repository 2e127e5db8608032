package dev.vecprop.layer;

/** A model whose layers do not fit together, or data of the wrong shape; the message names the layer. */
public class ShapeException extends dev.vecprop.VecpropException {
    /**
     * Creates the exception.
     *
     * @param message one line naming the layer, its expected and its actual shape
     */
    public ShapeException(String message) {
        super(message);
    }
}
