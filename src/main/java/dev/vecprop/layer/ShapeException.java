package dev.vecprop.layer;

/** A model whose layers do not fit together, or data of the wrong shape; the message names the layer. */
public class ShapeException extends IllegalArgumentException {
    public ShapeException(String message) {
        super(message);
    }
}
