package dev.vecprop.train;

import dev.vecprop.layer.LayerNorm;
import dev.vecprop.layer.Linear;
import dev.vecprop.layer.MeanOverTime;
import dev.vecprop.layer.PositionalEmbedding;
import dev.vecprop.layer.Sequential;
import dev.vecprop.layer.Shape;
import dev.vecprop.layer.TransformerEncoderLayer;

import java.util.List;
import java.util.Locale;

/**
 * The sequence-model presets on sequential MNIST (each 28x28 image read as 28 time steps of its 28
 * pixel rows), the networks of {@code ../shared/anchors/pytorch/seq.py}:
 * <pre>
 *   transformer   Linear 28->64 + learned positions (28 x 64), 2 pre-norm encoder blocks
 *                 (d 64, 4 heads, GELU MLP 256), LayerNorm, mean over time -> Linear 64->10
 * </pre>
 */
public final class SequenceSpec {
    private SequenceSpec() {}

    /** The preset names. */
    public static final List<String> PRESETS = List.of("transformer");

    /** Time steps (image rows) and features per step (pixels per row) of sequential MNIST. */
    static final int STEPS = 28;
    static final int FEATURES = 28;

    /**
     * {@return whether {@code arch} names a sequence preset}
     *
     * @param arch an architecture as the command line spells it
     */
    public static boolean isSequence(String arch) {
        return arch != null && PRESETS.contains(arch.trim().toLowerCase(Locale.ROOT));
    }

    /**
     * Builds a preset, initialised from seed 0.
     *
     * @param name a preset name ({@link #PRESETS})
     * @return the model, input {@code (28, 28)}, 10 outputs
     * @throws dev.vecprop.ConfigException if the name is not a preset
     */
    public static Sequential build(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.equals("transformer")) {
            int d = 64;
            return new Sequential(Shape.of(STEPS, FEATURES), new Linear(FEATURES, d), new PositionalEmbedding(STEPS, d),
                    new TransformerEncoderLayer(d, 4, 4 * d), new TransformerEncoderLayer(d, 4, 4 * d),
                    new LayerNorm(d), new MeanOverTime(), new Linear(d, 10));
        }
        throw new dev.vecprop.ConfigException("unknown sequence model '" + name + "' (" + PRESETS + ")");
    }
}
