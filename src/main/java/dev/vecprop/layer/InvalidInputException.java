package dev.vecprop.layer;

/**
 * An input value a layer cannot take, such as a token id outside an {@link Embedding}'s vocabulary;
 * the message names the layer, the sample and the value.
 */
public class InvalidInputException extends dev.vecprop.VecpropException {
    /**
     * Creates the exception.
     *
     * @param message one line naming the layer, the offending value and what was expected
     */
    public InvalidInputException(String message) {
        super(message);
    }
}
