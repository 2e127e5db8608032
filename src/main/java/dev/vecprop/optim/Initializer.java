package dev.vecprop.optim;

import dev.vecprop.layer.Layer;
import dev.vecprop.layer.Linear;
import dev.vecprop.layer.Sequential;
import dev.vecprop.tensor.Param;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Weight initialisation of the dense layers, seeded: PyTorch's default, normal(0, sigma) as in the
 * tutorial, Xavier/Glorot uniform and normal, He/Kaiming uniform and normal (fan-in, ReLU gain sqrt 2).
 * Biases are set to zero except with the PyTorch default, which initialises them too.
 */
public enum Initializer {
    /** PyTorch's default of every layer (Linear: uniform in {@code +-1/sqrt(fanIn)} for weights and biases). */
    PYTORCH,
    /** Weights from normal(0, sigma), biases 0. */
    NORMAL,
    /** Xavier/Glorot uniform: weights uniform in {@code +-sqrt(6 / (fanIn + fanOut))}, biases 0. */
    XAVIER_UNIFORM,
    /** Xavier/Glorot normal: weights from normal(0, {@code sqrt(2 / (fanIn + fanOut))}), biases 0. */
    XAVIER_NORMAL,
    /** He/Kaiming uniform: weights uniform in {@code +-sqrt(6 / fanIn)}, biases 0. */
    KAIMING_UNIFORM,
    /** He/Kaiming normal: weights from normal(0, {@code sqrt(2 / fanIn)}), biases 0. */
    KAIMING_NORMAL;

    /**
     * Parses an initialiser's name, ignoring case.
     *
     * @param s {@code pytorch} ({@code default}), {@code normal}, {@code xavier} ({@code xavier-uniform},
     *          {@code glorot}), {@code xavier-normal} ({@code glorot-normal}), {@code kaiming}
     *          ({@code kaiming-uniform}, {@code he}) or {@code kaiming-normal} ({@code he-normal})
     * @return the initialiser
     * @throws dev.vecprop.ConfigException if the name is unknown
     */
    public static Initializer parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "pytorch", "default" -> PYTORCH;
            case "normal" -> NORMAL;
            case "xavier", "xavier-uniform", "glorot" -> XAVIER_UNIFORM;
            case "xavier-normal", "glorot-normal" -> XAVIER_NORMAL;
            case "kaiming", "kaiming-uniform", "he" -> KAIMING_UNIFORM;
            case "kaiming-normal", "he-normal" -> KAIMING_NORMAL;
            default -> throw new dev.vecprop.ConfigException("unknown initialiser '" + s
                    + "' (pytorch, normal, xavier, xavier-normal, kaiming, kaiming-normal)");
        };
    }

    /**
     * Initialises the model: every layer with PyTorch's default from {@code seed}, then, unless this
     * is {@link #PYTORCH}, the weights of every {@link Linear} by this rule and its biases to 0.
     *
     * @param model the model to initialise in place
     * @param seed  the seed; the same seed gives the same weights
     * @param sigma the standard deviation of {@link #NORMAL}; ignored by the others
     */
    public void apply(Sequential model, long seed, double sigma) {
        model.initialize(seed);
        if (this == PYTORCH) {
            return;
        }
        SplittableRandom rnd = new SplittableRandom(seed ^ 0x5DEECE66DL);
        for (Layer l : model.layers()) {
            if (l instanceof Linear lin) {
                init(lin, rnd, sigma);
            }
        }
    }

    private void init(Linear lin, SplittableRandom rnd, double sigma) {
        int in = lin.in();
        int out = lin.out();
        Param w = lin.weight();
        for (int i = 0; i < in * out; i++) {
            double v = switch (this) {
                case NORMAL -> gaussian(rnd) * sigma;
                case XAVIER_UNIFORM -> (rnd.nextDouble() * 2 - 1) * Math.sqrt(6.0 / (in + out));
                case XAVIER_NORMAL -> gaussian(rnd) * Math.sqrt(2.0 / (in + out));
                case KAIMING_UNIFORM -> (rnd.nextDouble() * 2 - 1) * Math.sqrt(6.0 / in);
                case KAIMING_NORMAL -> gaussian(rnd) * Math.sqrt(2.0 / in);
                case PYTORCH -> throw new IllegalStateException();
            };
            w.set(i, (float) v);
        }
        if (lin.bias() != null) {
            for (int i = 0; i < out; i++) {
                lin.bias().set(i, 0f);
            }
        }
    }

    /** Box-Muller from a SplittableRandom (fully specified, so the same on every JVM). */
    private static double gaussian(SplittableRandom rnd) {
        double u1 = rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
