package dev.vecprop;

/**
 * A setting or argument of the public API that cannot be used, e.g. a batch size of 0, a learning
 * rate that is not finite, a validation split outside (0, 1), or a model whose outputs do not fit
 * the data's classes. The message names the setting as the API spells it ({@code batchSize},
 * {@code learningRate}) and the accepted values.
 */
public class ConfigException extends VecpropException {
    /**
     * Creates the exception.
     *
     * @param message one line naming the setting and the accepted values
     */
    public ConfigException(String message) {
        super(message);
    }
}
