package dev.vecprop.train;

import dev.vecprop.layer.GRU;
import dev.vecprop.layer.LSTM;
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
 * The sequence-model presets on sequential MNIST: each 28x28 image is read as 28 time steps (its
 * rows) of 28 features, the input shape {@code (28, 28)} (the same 784 floats per sample as the
 * image). The networks of {@code seq.py --model lstm|gru|transformer} in the PyTorch anchors:
 * <ul>
 *   <li>{@code lstm}: {@code LSTM(28->128)}, its last hidden state -&gt; {@code Linear(128->10)}</li>
 *   <li>{@code gru}: {@code GRU(28->128)}, its last hidden state -&gt; {@code Linear(128->10)}</li>
 *   <li>{@code transformer}: {@code Linear 28->64} + learned positions (28 x 64), 2 pre-norm encoder
 *       blocks (d 64, 4 heads, GELU MLP 256), LayerNorm, mean over time -&gt; {@code Linear 64->10}</li>
 * </ul>
 */
public final class SequenceSpec {
    private SequenceSpec() {}

    /** The preset names. */
    public static final List<String> PRESETS = List.of("lstm", "gru", "transformer");

    /** Time steps (image rows). */
    public static final int STEPS = 28;
    /** Features per step (image columns). */
    public static final int FEATURES = 28;
    /** Hidden features of the recurrent layer. */
    public static final int HIDDEN = 128;
    /** Classes. */
    public static final int CLASSES = 10;

    /**
     * {@return whether {@code arch} names a sequence preset}
     *
     * @param arch an architecture as the command line spells it
     */
    public static boolean isSequence(String arch) {
        return arch != null && PRESETS.contains(arch.trim().toLowerCase(Locale.ROOT));
    }

    /**
     * Builds a preset.
     *
     * @param arch {@code lstm}, {@code gru} or {@code transformer}
     * @return the model on inputs {@code (28, 28)}, 10 outputs, PyTorch's default initialisation from seed 0
     * @throws dev.vecprop.ConfigException if {@code arch} is not a sequence preset
     */
    public static Sequential build(String arch) {
        String a = arch.trim().toLowerCase(Locale.ROOT);
        Shape in = Shape.of(STEPS, FEATURES);
        int d = 64;
        return switch (a) {
            case "lstm" -> new Sequential(in, new LSTM(FEATURES, HIDDEN), new Linear(HIDDEN, CLASSES));
            case "gru" -> new Sequential(in, new GRU(FEATURES, HIDDEN), new Linear(HIDDEN, CLASSES));
            case "transformer" -> new Sequential(in, new Linear(FEATURES, d), new PositionalEmbedding(STEPS, d),
                    new TransformerEncoderLayer(d, 4, 4 * d), new TransformerEncoderLayer(d, 4, 4 * d),
                    new LayerNorm(d), new MeanOverTime(), new Linear(d, CLASSES));
            default -> throw new dev.vecprop.ConfigException("unknown sequence model '" + arch + "' (" + PRESETS + ")");
        };
    }
}
