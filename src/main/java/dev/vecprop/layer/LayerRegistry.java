package dev.vecprop.layer;

import dev.vecprop.ConfigException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns {@link LayerConfig}s back into layers when a checkpoint is loaded. {@link #builtIn()} knows
 * every layer of the library; a user adds factories for their own layer types:
 *
 * <pre>
 *   LayerRegistry reg = LayerRegistry.builtIn().register("Scale", c -> new Scale(c.intArg("features")));
 *   InferenceSession s = InferenceSession.load(path, reg);
 * </pre>
 *
 * A factory for a composite layer reads its children with {@link #createAll}. Registries are not
 * thread-safe while being filled; reading a filled one from many threads is fine.
 */
public final class LayerRegistry {
    private final Map<String, Function<LayerConfig, Layer>> factories = new LinkedHashMap<>();

    private LayerRegistry() {}

    /**
     * {@return a new registry with the library's layers: Linear, Conv2d, pooling, activations,
     * BatchNorm, Dropout, Flatten, Softmax, Residual, the sequence layers (Embedding, LSTM, GRU,
     * TimeDistributed, LayerNorm, MultiheadSelfAttention, PositionalEmbedding, TransformerEncoderLayer,
     * MeanOverTime), and the int8 QuantizedLinear and QuantizedConv2d}
     */
    public static LayerRegistry builtIn() {
        LayerRegistry r = new LayerRegistry();
        r.register("Linear", c -> new Linear(c.intArg("in"), c.intArg("out"), c.boolArg("bias")));
        r.register("Conv2d", c -> new Conv2d(c.intArg("in"), c.intArg("out"), c.intArg("kh"), c.intArg("kw"),
                c.intArg("stride"), c.intArg("padding"), c.intArg("dilation"), c.intArg("groups"), c.boolArg("bias")));
        r.register("QuantizedLinear", c -> new QuantizedLinear(c.intArg("in"), c.intArg("out"), c.boolArg("bias"),
                c.boolArg("relu"), QuantizedLinear.activationsArg(c)));
        r.register("QuantizedConv2d", c -> new QuantizedConv2d(c.intArg("in"), c.intArg("out"), c.intArg("kh"), c.intArg("kw"),
                c.intArg("stride"), c.intArg("padding"), c.intArg("dilation"), c.intArg("groups"), c.boolArg("bias"),
                c.boolArg("relu")));
        r.register("MaxPool2d", c -> new MaxPool2d(c.intArg("kernel"), c.intArg("stride"), c.intArg("padding")));
        r.register("AvgPool2d", c -> new AvgPool2d(c.intArg("kernel"), c.intArg("stride"), c.intArg("padding")));
        r.register("GlobalAvgPool2d", c -> AvgPool2d.global());
        r.register("BatchNorm1d", c -> new BatchNorm1d(c.intArg("features"), (float) c.doubleArg("eps"),
                (float) c.doubleArg("momentum")));
        r.register("BatchNorm2d", c -> new BatchNorm2d(c.intArg("features"), (float) c.doubleArg("eps"),
                (float) c.doubleArg("momentum")));
        r.register("Dropout", c -> new Dropout(c.doubleArg("p")));
        r.register("Flatten", c -> new Flatten());
        r.register("ReLU", c -> new ReLU());
        r.register("LeakyReLU", c -> new LeakyReLU((float) c.doubleArg("slope")));
        r.register("Sigmoid", c -> new Sigmoid());
        r.register("Tanh", c -> new Tanh());
        r.register("GELU", c -> new GELU(c.boolArg("tanh")));
        r.register("Softmax", c -> new Softmax(c.boolArg("log")));
        r.register("Embedding", c -> new Embedding(c.intArg("vocab"), c.intArg("dim")));
        r.register("LSTM", c -> new LSTM(c.intArg("input"), c.intArg("hidden"), c.intArg("layers"), c.boolArg("sequences")));
        r.register("GRU", c -> new GRU(c.intArg("input"), c.intArg("hidden"), c.intArg("layers"), c.boolArg("sequences")));
        r.register("TimeDistributed", c -> {
            if (c.children().size() != 1) {
                throw new ConfigException("layer TimeDistributed needs exactly one inner layer, got " + c.children().size());
            }
            return new TimeDistributed(r.create(c.children().get(0)));
        });
        r.register("Residual", c -> new Residual(r.createAll(c.children()).toArray(new Layer[0])));
        // sequence layers: attention (docs/ATTENTION.md)
        r.register("LayerNorm", c -> new LayerNorm(c.intArg("features"), (float) c.doubleArg("eps")));
        r.register("MultiheadSelfAttention", c -> new MultiheadSelfAttention(c.intArg("embed"), c.intArg("heads"),
                c.boolArg("causal")));
        r.register("PositionalEmbedding", c -> new PositionalEmbedding(c.intArg("max_length"), c.intArg("features")));
        r.register("TransformerEncoderLayer", c -> new TransformerEncoderLayer(c.intArg("d_model"), c.intArg("heads"),
                c.intArg("ff"), c.boolArg("causal"), (float) c.doubleArg("eps")));
        r.register("MeanOverTime", c -> new MeanOverTime());
        return r;
    }

    /**
     * Adds a factory for a layer type.
     *
     * @param type    the type name its layers' {@link Layer#config()} uses
     * @param factory makes a layer from a config of that type (throw {@link ConfigException} for bad arguments)
     * @return this registry
     * @throws ConfigException if the type is already registered
     */
    public LayerRegistry register(String type, Function<LayerConfig, Layer> factory) {
        if (type == null || factory == null) {
            throw new ConfigException("register needs a type name and a factory");
        }
        if (factories.putIfAbsent(type, factory) != null) {
            throw new ConfigException("layer type " + type + " is already registered");
        }
        return this;
    }

    /**
     * {@return whether a factory is registered for a type}
     *
     * @param type a type name
     */
    public boolean knows(String type) {
        return factories.containsKey(type);
    }

    /**
     * Makes a layer from its config with the factory registered for its type; a factory's
     * runtime exceptions are reported as {@link ConfigException}s naming the type and arguments.
     *
     * @param c a layer config
     * @return a new, unbuilt layer
     * @throws ConfigException if the type is unknown or the factory rejects the arguments
     */
    public Layer create(LayerConfig c) {
        Function<LayerConfig, Layer> f = factories.get(c.type());
        if (f == null) {
            throw new ConfigException("unknown layer type " + c.type() + " (register a factory for it in a LayerRegistry)");
        }
        Layer l;
        try {
            l = f.apply(c);
        } catch (ConfigException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ConfigException("layer " + c.type() + " " + c.args() + ": " + e.getMessage());
        }
        if (l == null) {
            throw new ConfigException("the factory for layer type " + c.type() + " returned null");
        }
        return l;
    }

    /**
     * Makes a layer from each config, as {@link #create}.
     *
     * @param configs layer configs
     * @return a new layer for each, in order
     * @throws ConfigException if a type is unknown or a factory rejects its arguments
     */
    public List<Layer> createAll(List<LayerConfig> configs) {
        List<Layer> r = new ArrayList<>(configs.size());
        for (LayerConfig c : configs) {
            r.add(create(c));
        }
        return r;
    }
}
