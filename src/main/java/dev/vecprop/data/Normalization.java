package dev.vecprop.data;

import dev.vecprop.ConfigException;

/**
 * An affine input normalisation {@code x = (raw - mean) / std}, applied to every feature.
 *
 * @param mean subtracted from the raw value (finite)
 * @param std  the raw value's divisor ({@code > 0}, finite)
 */
public record Normalization(float mean, float std) {
    /** No normalisation: {@code mean 0, std 1}. */
    public static final Normalization NONE = new Normalization(0f, 1f);

    /** Checks the values. */
    public Normalization {
        if (!Float.isFinite(mean) || !(std > 0) || !Float.isFinite(std)) {
            throw new ConfigException("normalization needs a finite mean and a finite std > 0, got mean "
                    + mean + " std " + std);
        }
    }

    /**
     * Normalises one value.
     *
     * @param raw a value on the data's natural scale
     * @return the normalised value
     */
    public float apply(float raw) {
        return (raw - mean) / std;
    }
}
