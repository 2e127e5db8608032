package dev.vecprop.train;

import dev.vecprop.layer.GRU;
import dev.vecprop.layer.LSTM;
import dev.vecprop.layer.Linear;
import dev.vecprop.layer.Sequential;
import dev.vecprop.layer.Shape;

import java.util.Locale;
import java.util.Set;

/**
 * The recurrent presets for sequential MNIST: each 28x28 image is read as 28 time steps (its rows)
 * of 28 features, the input shape {@code (28, 28)} (the same 784 floats per sample as the image).
 * <ul>
 *   <li>{@code lstm}: {@code LSTM(28->128)}, its last hidden state -&gt; {@code Linear(128->10)}</li>
 *   <li>{@code gru}: {@code GRU(28->128)}, its last hidden state -&gt; {@code Linear(128->10)}</li>
 * </ul>
 * The networks of {@code seq.py --model lstm|gru} in the PyTorch anchors.
 */
public final class SequenceSpec {
    private SequenceSpec() {}

    /** The preset names. */
    public static final Set<String> PRESETS = Set.of("lstm", "gru");

    /** Time steps (image rows). */
    public static final int STEPS = 28;
    /** Features per step (image columns). */
    public static final int FEATURES = 28;
    /** Hidden features of the recurrent layer. */
    public static final int HIDDEN = 128;
    /** Classes. */
    public static final int CLASSES = 10;

    /**
     * {@return whether {@code arch} names a recurrent preset}
     *
     * @param arch an architecture as the command line spells it
     */
    public static boolean isSequence(String arch) {
        return arch != null && PRESETS.contains(arch.trim().toLowerCase(Locale.ROOT));
    }

    /**
     * Builds a preset.
     *
     * @param arch {@code lstm} or {@code gru}
     * @return the model on inputs {@code (28, 28)}, PyTorch's default initialisation from seed 0
     * @throws dev.vecprop.ConfigException if {@code arch} is not a recurrent preset
     */
    public static Sequential build(String arch) {
        String a = arch.trim().toLowerCase(Locale.ROOT);
        Shape in = Shape.of(STEPS, FEATURES);
        return switch (a) {
            case "lstm" -> new Sequential(in, new LSTM(FEATURES, HIDDEN), new Linear(HIDDEN, CLASSES));
            case "gru" -> new Sequential(in, new GRU(FEATURES, HIDDEN), new Linear(HIDDEN, CLASSES));
            default -> throw new dev.vecprop.ConfigException("unknown recurrent architecture '" + arch + "' (" + PRESETS + ")");
        };
    }
}
