package dev.vecprop.train;

import dev.vecprop.layer.BatchNorm1d;
import dev.vecprop.layer.Dropout;
import dev.vecprop.layer.GELU;
import dev.vecprop.layer.Layer;
import dev.vecprop.layer.LeakyReLU;
import dev.vecprop.layer.Linear;
import dev.vecprop.layer.ReLU;
import dev.vecprop.layer.Sequential;
import dev.vecprop.layer.Shape;
import dev.vecprop.layer.Sigmoid;
import dev.vecprop.layer.Tanh;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A multilayer perceptron described in one line, e.g. {@code 784-256-128-10} with an activation,
 * optional batch norm and dropout after every hidden layer: each hidden layer is
 * {@code Linear [BatchNorm1d] activation [Dropout]}, the last is a bare {@code Linear} (logits).
 * The same text goes into a checkpoint's {@code vecprop.arch} metadata, so a checkpoint rebuilds
 * its model. A CNN ({@link CnnSpec}) is carried as its spelling in {@code cnn}.
 *
 * @param sizes      layer widths, input first and outputs last, at least two, each in {@code 1..2^20};
 *                   for a CNN its input size and its number of outputs
 * @param activation the hidden layers' activation: {@code relu}, {@code leakyrelu}, {@code sigmoid},
 *                   {@code tanh} or {@code gelu} (any case)
 * @param dropout    dropout probability after every hidden activation, in [0, 1); 0 for none
 * @param batchNorm  a BatchNorm1d after every hidden Linear
 * @param cnn        the CNN spelling or preset name, a recurrent preset ({@link SequenceSpec}: {@code lstm},
 *                   {@code gru}), or null for an MLP
 */
public record ModelSpec(int[] sizes, String activation, double dropout, boolean batchNorm, String cnn) {

    /**
     * An MLP.
     *
     * @param sizes      layer widths, input first and outputs last, at least two, each in {@code 1..2^20}
     * @param activation the hidden layers' activation: {@code relu}, {@code leakyrelu}, {@code sigmoid},
     *                   {@code tanh} or {@code gelu}
     * @param dropout    dropout probability after every hidden activation, in [0, 1)
     * @param batchNorm  a BatchNorm1d after every hidden Linear
     * @throws dev.vecprop.ConfigException if a setting is out of range or the activation is unknown
     */
    public ModelSpec(int[] sizes, String activation, double dropout, boolean batchNorm) {
        this(sizes, activation, dropout, batchNorm, null);
    }

    /** Named presets: the tutorial's networks. */
    public static final Map<String, String> PRESETS = presets();

    private static Map<String, String> presets() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("mlp", "784-256-128-10");
        m.put("mlp-small", "784-128-64-10");
        m.put("binary", "784-128-64-1");
        m.putAll(CnnSpec.PRESETS);
        return m;
    }

    /**
     * Checks the settings, copies {@code sizes} and lower-cases the activation.
     *
     * @throws dev.vecprop.ConfigException if a setting is out of range or the activation is unknown
     */
    public ModelSpec {
        sizes = sizes.clone();
        if (sizes.length < 2) {
            throw new dev.vecprop.ConfigException("architecture needs at least an input and an output size, got "
                    + Arrays.toString(sizes));
        }
        for (int s : sizes) {
            if (s < 1 || s > 1 << 20) {
                throw new dev.vecprop.ConfigException("architecture sizes must be in 1.." + (1 << 20) + ", got " + s);
            }
        }
        activation = activation.toLowerCase(Locale.ROOT);
        activationLayer(activation);
        if (!(dropout >= 0 && dropout < 1)) {
            throw new dev.vecprop.ConfigException("dropout must be in [0, 1), got " + dropout);
        }
    }

    /**
     * Parses an architecture as the command line spells it.
     *
     * @param arch       layer widths such as {@code 784-256-128-10}, a preset name ({@link #PRESETS}), or a
     *                   CNN spelling ({@link CnnSpec}: {@code lenet}, {@code convnet},
     *                   {@code conv32x3-relu-maxpool2-fc10}...)
     * @param activation the MLP's hidden activation (ignored for a CNN, whose spelling names its own)
     * @param dropout    the MLP's dropout probability, in [0, 1) (ignored for a CNN)
     * @param batchNorm  whether the MLP has batch norm (ignored for a CNN)
     * @return the specification
     * @throws dev.vecprop.ConfigException if the architecture or a setting is invalid
     */
    public static ModelSpec parse(String arch, String activation, double dropout, boolean batchNorm) {
        if (SequenceSpec.isSequence(arch)) {
            String name = arch.trim().toLowerCase(Locale.ROOT);
            return new ModelSpec(new int[]{SequenceSpec.STEPS * SequenceSpec.FEATURES, SequenceSpec.CLASSES}, "relu", 0,
                    false, name);
        }
        if (CnnSpec.isCnn(arch)) {
            String name = arch.trim().toLowerCase(Locale.ROOT);
            return new ModelSpec(new int[]{CnnSpec.input(name).size(), CnnSpec.outputs(name)}, "relu", 0, false, name);
        }
        String a = PRESETS.getOrDefault(arch, arch);
        String[] parts = a.split("-");
        int[] sizes = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                sizes[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new dev.vecprop.ConfigException("architecture '" + arch + "': expected sizes like 784-256-128-10 or one of "
                        + PRESETS.keySet());
            }
        }
        return new ModelSpec(sizes, activation, dropout, batchNorm);
    }

    /** {@return the number of input features per sample (for a CNN, C*H*W of its input)} */
    public int inputs() {
        return sizes[0];
    }

    /** {@return the number of outputs, the size of the last layer} */
    public int outputs() {
        return sizes[sizes.length - 1];
    }

    /** {@return the layer widths, input first; a copy} */
    @Override
    public int[] sizes() {
        return sizes.clone();
    }

    static Layer activationLayer(String name) {
        return switch (name) {
            case "relu" -> new ReLU();
            case "leakyrelu", "leaky-relu" -> new LeakyReLU();
            case "sigmoid" -> new Sigmoid();
            case "tanh" -> new Tanh();
            case "gelu" -> new GELU();
            default -> throw new dev.vecprop.ConfigException("unknown activation '" + name
                    + "' (relu, leakyrelu, sigmoid, tanh, gelu)");
        };
    }

    /**
     * Builds a new model of this architecture, with PyTorch's default initialisation from seed 0.
     *
     * @return the model
     * @throws dev.vecprop.ConfigException if a CNN spelling does not fit its input shape
     */
    public Sequential build() {
        if (cnn != null) {
            return buildCnn();
        }
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i + 1 < sizes.length; i++) {
            layers.add(new Linear(sizes[i], sizes[i + 1]));
            if (i + 2 < sizes.length) {
                if (batchNorm) {
                    layers.add(new BatchNorm1d(sizes[i + 1]));
                }
                layers.add(activationLayer(activation));
                if (dropout > 0) {
                    layers.add(new Dropout(dropout));
                }
            }
        }
        return new Sequential(Shape.of(sizes[0]), layers);
    }

    /** The CNN ({@link CnnSpec}); its input shape is the spelling's (1x28x28 unless it says otherwise). */
    private Sequential buildCnn() {
        if (SequenceSpec.isSequence(cnn)) {
            return SequenceSpec.build(cnn);
        }
        return CnnSpec.build(cnn);
    }

    /**
     * {@return the one-line form stored in checkpoints: {@code mlp 784-256-128-10 act=relu dropout=0.0
     * batchnorm=false}, or {@code cnn lenet} / {@code cnn conv8x3-relu-fc10}}
     */
    public String encode() {
        if (cnn != null) {
            return (SequenceSpec.isSequence(cnn) ? "seq " : "cnn ") + cnn;
        }
        return "mlp " + Arrays.stream(sizes).mapToObj(Integer::toString).collect(Collectors.joining("-"))
                + " act=" + activation + " dropout=" + dropout + " batchnorm=" + batchNorm;
    }

    /**
     * The inverse of {@link #encode}.
     *
     * @param s an encoded specification
     * @return the specification
     * @throws dev.vecprop.ConfigException if {@code s} is not an encoding or describes an invalid architecture
     */
    public static ModelSpec decode(String s) {
        String[] p = s.trim().split("\\s+");
        if (p.length == 2 && p[0].equals("seq") && SequenceSpec.isSequence(p[1])) {
            return parse(p[1], "relu", 0, false);
        }
        if (p.length == 2 && p[0].equals("cnn") && CnnSpec.isCnn(p[1])) {
            return parse(p[1], "relu", 0, false);
        }
        if (p.length != 5 || !p[0].equals("mlp") || !p[2].startsWith("act=") || !p[3].startsWith("dropout=")
                || !p[4].startsWith("batchnorm=")) {
            throw new dev.vecprop.ConfigException("unrecognised architecture '" + s + "'");
        }
        double dropout;
        try {
            dropout = Double.parseDouble(p[3].substring(8));
        } catch (NumberFormatException e) {
            throw new dev.vecprop.ConfigException("unrecognised architecture '" + s + "': dropout must be a number");
        }
        String bn = p[4].substring(10);
        if (!bn.equals("true") && !bn.equals("false")) {
            throw new dev.vecprop.ConfigException("unrecognised architecture '" + s + "': batchnorm must be true or false");
        }
        return parse(p[1], p[2].substring(4), dropout, bn.equals("true"));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelSpec m && Arrays.equals(m.sizes, sizes) && m.activation.equals(activation)
                && m.dropout == dropout && m.batchNorm == batchNorm && java.util.Objects.equals(m.cnn, cnn);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(sizes) * 31 + activation.hashCode();
    }

    @Override
    public String toString() {
        return encode();
    }
}
