package dev.vecprop.quant;

/**
 * How an activation's int8 range is chosen from the values seen on calibration samples: the scale is
 * {@code range / 127}, values beyond the range saturate at {@code +-127}.
 */
public enum Calibration {
    /** The largest magnitude seen: nothing saturates on the calibration samples. */
    MINMAX,
    /**
     * A high percentile of the magnitudes seen (the {@link Quantizer#percentile} option, 99.99 by
     * default): the rare outliers saturate, the rest get a finer step.
     */
    PERCENTILE
}
