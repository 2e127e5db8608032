package dev.vecprop.train;

import dev.vecprop.layer.AvgPool2d;
import dev.vecprop.layer.BatchNorm1d;
import dev.vecprop.layer.BatchNorm2d;
import dev.vecprop.layer.Conv2d;
import dev.vecprop.layer.Dropout;
import dev.vecprop.layer.Flatten;
import dev.vecprop.layer.Layer;
import dev.vecprop.layer.Linear;
import dev.vecprop.layer.MaxPool2d;
import dev.vecprop.layer.Sequential;
import dev.vecprop.layer.Shape;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A convolutional network spelled as dash-separated tokens, e.g. ConvNet:
 * <pre>
 *   conv32x3-relu-conv64x3-relu-maxpool2-dropout0.25-fc128-relu-dropout0.5-fc10
 * </pre>
 * Tokens: {@code CxHxW} (first only: input shape, default {@code 1x28x28}),
 * {@code conv<out>x<k>[s<stride>][p<pad>][d<dilation>][g<groups>]}, {@code maxpool<k>[s<stride>][p<pad>]},
 * {@code avgpool<k>[s<stride>][p<pad>]}, {@code gap} (global average pool), {@code bn} (BatchNorm2d on
 * images, BatchNorm1d on vectors), {@code relu}, {@code leakyrelu}, {@code sigmoid}, {@code tanh}, {@code gelu},
 * {@code dropout<p>}, {@code flatten} and {@code fc<out>} (a Flatten goes in front of the first fc by
 * itself). The last token must be an fc: its size is the number of classes. Names of presets
 * ({@link #PRESETS}) stand for their spelling.
 */
public final class CnnSpec {
    private CnnSpec() {}

    /** LeNet-5 (no padding) and the PyTorch-examples ConvNet, as in {@code ../shared/anchors/pytorch/cnn.py}. */
    public static final Map<String, String> PRESETS = presets();

    private static Map<String, String> presets() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("lenet", "conv6x5-relu-maxpool2-conv16x5-relu-maxpool2-fc120-relu-fc84-relu-fc10");
        m.put("convnet", "conv32x3-relu-conv64x3-relu-maxpool2-dropout0.25-fc128-relu-dropout0.5-fc10");
        return m;
    }

    private static final Pattern INPUT = Pattern.compile("(\\d+)x(\\d+)x(\\d+)");
    private static final Pattern CONV = Pattern.compile("conv(\\d+)x(\\d+)(?:s(\\d+))?(?:p(\\d+))?(?:d(\\d+))?(?:g(\\d+))?");
    private static final Pattern POOL = Pattern.compile("(max|avg)pool(\\d+)(?:s(\\d+))?(?:p(\\d+))?");
    private static final Pattern DROPOUT = Pattern.compile("dropout(0?\\.\\d+|0|1)");
    private static final Pattern FC = Pattern.compile("fc(\\d+)");

    private static final Pattern CNN_TOKEN = Pattern.compile(
            "\\d+x\\d+x\\d+|conv\\d.*|(max|avg)pool\\d.*|gap|bn|flatten|dropout.*|fc\\d+");

    /**
     * Tells a CNN spelling from an MLP's; MLP spellings ({@code 784-256-10}) and MLP preset names
     * ({@code mlp}, {@code mlp-small}, {@code binary}) are not CNNs.
     *
     * @param arch an architecture as the command line spells it
     * @return true if {@code arch} is a CNN preset name or contains a CNN token
     */
    public static boolean isCnn(String arch) {
        String a = arch.trim().toLowerCase(Locale.ROOT);
        if (PRESETS.containsKey(a)) {
            return true;
        }
        for (String t : a.split("-")) {
            if (CNN_TOKEN.matcher(t).matches()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Expands a preset name.
     *
     * @param arch a preset name or a spelling (any case)
     * @return the spelling behind the preset, or {@code arch} itself, trimmed and lower-cased
     */
    public static String expand(String arch) {
        String a = arch.trim().toLowerCase(Locale.ROOT);
        return PRESETS.getOrDefault(a, a);
    }

    /**
     * Builds the network, shape-checked, with PyTorch's default initialisation from seed 0.
     *
     * @param arch a spelling or preset name
     * @return the model, taking the spelling's input shape
     * @throws dev.vecprop.ConfigException naming the token that is wrong, or if the last token is not an fc
     */
    public static Sequential build(String arch) {
        Parsed p = parse(arch);
        return new Sequential(p.input, p.layers);
    }

    /**
     * The input shape of a spelling.
     *
     * @param arch a spelling or preset name
     * @return its input shape (C,H,W): the leading {@code CxHxW} token, else {@code (1,28,28)}
     * @throws dev.vecprop.ConfigException if the spelling is invalid
     */
    public static Shape input(String arch) {
        return parse(arch).input;
    }

    /**
     * The number of outputs of a spelling.
     *
     * @param arch a spelling or preset name
     * @return the size of the last fc, the number of classes
     * @throws dev.vecprop.ConfigException if the spelling is invalid
     */
    public static int outputs(String arch) {
        return parse(arch).outputs;
    }

    private record Parsed(Shape input, List<Layer> layers, int outputs) {}

    private static Parsed parse(String arch) {
        String spec = expand(arch);
        String[] tokens = spec.split("-");
        int c = 1;
        int h = 28;
        int w = 28;
        int start = 0;
        Matcher m0 = INPUT.matcher(tokens[0]);
        if (m0.matches()) {
            c = positive(tokens[0], m0.group(1));
            h = positive(tokens[0], m0.group(2));
            w = positive(tokens[0], m0.group(3));
            start = 1;
        }
        Shape input = Shape.of(c, h, w);
        List<Layer> layers = new ArrayList<>();
        boolean flat = false;
        int features = 0;
        int outputs = -1;
        for (int i = start; i < tokens.length; i++) {
            String t = tokens[i];
            Matcher m;
            outputs = -1;
            if ((m = CONV.matcher(t)).matches()) {
                requireImage(t, flat);
                int out = positive(t, m.group(1));
                int k = positive(t, m.group(2));
                int s = m.group(3) == null ? 1 : positive(t, m.group(3));
                int pad = m.group(4) == null ? 0 : Integer.parseInt(m.group(4));
                int d = m.group(5) == null ? 1 : positive(t, m.group(5));
                int g = m.group(6) == null ? 1 : positive(t, m.group(6));
                if (c % g != 0 || out % g != 0) {
                    throw bad(t, "channels " + c + "->" + out + " are not divisible by groups " + g);
                }
                layers.add(new Conv2d(c, out, k, k, s, pad, d, g, true));
                c = out;
                h = (h + 2 * pad - d * (k - 1) - 1) / s + 1;
                w = (w + 2 * pad - d * (k - 1) - 1) / s + 1;
                requireFits(t, h, w);
            } else if ((m = POOL.matcher(t)).matches()) {
                requireImage(t, flat);
                int k = positive(t, m.group(2));
                int s = m.group(3) == null ? k : positive(t, m.group(3));
                int pad = m.group(4) == null ? 0 : Integer.parseInt(m.group(4));
                if (2 * pad > k) {
                    throw bad(t, "padding must be at most half the window");
                }
                layers.add(m.group(1).equals("max") ? new MaxPool2d(k, s, pad) : new AvgPool2d(k, s, pad));
                h = (h + 2 * pad - k) / s + 1;
                w = (w + 2 * pad - k) / s + 1;
                requireFits(t, h, w);
            } else if (t.equals("gap")) {
                requireImage(t, flat);
                layers.add(AvgPool2d.global());
                h = 1;
                w = 1;
            } else if (t.equals("bn")) {
                layers.add(flat ? new BatchNorm1d(features) : new BatchNorm2d(c));
            } else if (t.equals("flatten")) {
                if (!flat) {
                    layers.add(new Flatten());
                    flat = true;
                    features = c * h * w;
                }
            } else if ((m = DROPOUT.matcher(t)).matches()) {
                double p = Double.parseDouble(m.group(1));
                if (!(p >= 0 && p < 1)) {
                    throw bad(t, "dropout probability must be in [0, 1)");
                }
                layers.add(new Dropout(p));
            } else if ((m = FC.matcher(t)).matches()) {
                if (!flat) {
                    layers.add(new Flatten());
                    flat = true;
                    features = c * h * w;
                }
                int out = positive(t, m.group(1));
                layers.add(new Linear(features, out));
                features = out;
                outputs = out;
            } else {
                try {
                    layers.add(ModelSpec.activationLayer(t));
                } catch (dev.vecprop.ConfigException e) {
                    throw bad(t, "unknown token (conv<out>x<k>[s<stride>][p<pad>][d<dil>][g<groups>], "
                            + "maxpool<k>, avgpool<k>, gap, bn, relu, leakyrelu, sigmoid, tanh, gelu, dropout<p>, "
                            + "flatten, fc<out>; first token may be CxHxW)");
                }
            }
        }
        if (outputs < 1) {
            throw new dev.vecprop.ConfigException("architecture '" + arch + "': must end with fc<classes>");
        }
        return new Parsed(input, layers, outputs);
    }

    private static void requireImage(String t, boolean flat) {
        if (flat) {
            throw bad(t, "needs an image (C,H,W) but the network is already flattened");
        }
    }

    private static void requireFits(String t, int h, int w) {
        if (h < 1 || w < 1) {
            throw bad(t, "does not fit: the image would shrink to " + h + "x" + w);
        }
    }

    private static int positive(String t, String digits) {
        try {
            int v = Integer.parseInt(digits);
            if (v >= 1 && v <= 1 << 16) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // below
        }
        throw bad(t, "sizes must be in 1.." + (1 << 16));
    }

    private static dev.vecprop.ConfigException bad(String token, String why) {
        return new dev.vecprop.ConfigException("architecture token '" + token + "': " + why);
    }
}
