package dev.vecprop.layer;

import dev.vecprop.ConfigException;
import dev.vecprop.tensor.Param;

/**
 * The checks and conversions the quantized layers share: an int8 weight {@code [out, ...]} with one
 * scale per output channel, validated as it is read out of the parameter store.
 */
final class Int8Weight {
    private Int8Weight() {}

    /** The weight's logical values, each checked to be an integer in {@code -127..127}. */
    static float[] values(Param weight, String layer) {
        float[] q = weight.toArray();
        for (int i = 0; i < q.length; i++) {
            float v = q[i];
            if (!(v >= -127f && v <= 127f) || v != Math.rint(v)) {
                throw new ConfigException(layer + ": tensor " + weight.name() + " element " + i + " is " + v
                        + ", expected an int8 value in -127..127");
            }
        }
        return q;
    }

    /** The scales, each checked to be positive and finite. */
    static float[] scales(Param scale, String layer) {
        float[] s = scale.toArray();
        for (int i = 0; i < s.length; i++) {
            if (!(s[i] > 0f) || !Float.isFinite(s[i])) {
                throw new ConfigException(layer + ": tensor " + scale.name() + " element " + i + " is " + s[i]
                        + ", expected a positive finite scale");
            }
        }
        return s;
    }

    /** {@code scale_o * q} for a row-major {@code [out, per]} weight: the float weight it stands for. */
    static float[] dequantize(float[] q, float[] scale) {
        int per = q.length / scale.length;
        float[] w = new float[q.length];
        for (int o = 0; o < scale.length; o++) {
            for (int i = 0; i < per; i++) {
                w[o * per + i] = q[o * per + i] * scale[o];
            }
        }
        return w;
    }
}
