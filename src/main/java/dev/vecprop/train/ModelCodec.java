package dev.vecprop.train;

import dev.vecprop.ConfigException;
import dev.vecprop.io.Json;
import dev.vecprop.layer.Layer;
import dev.vecprop.layer.LayerConfig;
import dev.vecprop.layer.LayerRegistry;
import dev.vecprop.layer.Sequential;
import dev.vecprop.layer.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A model's structure as the JSON a checkpoint's {@code vecprop.model} metadata holds:
 * {@code {"input":[1,28,28],"layers":[{"type":"Conv2d","args":{"in":1,...}},{"type":"Residual","args":{},"children":[...]}]}}.
 */
final class ModelCodec {
    private ModelCodec() {}

    /** The structure of {@code model}; throws {@link ConfigException} naming the first layer with no {@link LayerConfig}. */
    static String encode(Sequential model) {
        Json.ArrayWriter input = Json.array();
        for (int d : model.inputShape().dims()) {
            input.add(d);
        }
        List<Layer> ls = model.layers();
        List<LayerConfig> cs = new ArrayList<>();
        for (int i = 0; i < ls.size(); i++) {
            LayerConfig c = ls.get(i).config();
            if (c == null) {
                throw new ConfigException("layer " + i + " " + ls.get(i).describe()
                        + " has no LayerConfig: implement Layer.config() (and register its type to load it)");
            }
            cs.add(c);
        }
        return Json.object().put("input", input).put("layers", list(cs)).toString();
    }

    /** The structure, or null when some layer cannot be described. */
    static String encodeOrNull(Sequential model) {
        try {
            return encode(model);
        } catch (ConfigException e) {
            return null;
        }
    }

    /** The configs as JSON; a Float argument is written as the double it widens to, as format 2 always has. */
    private static Json.ArrayWriter list(List<LayerConfig> cs) {
        Json.ArrayWriter a = Json.array();
        for (LayerConfig c : cs) {
            Json.ObjectWriter args = Json.object();
            for (Map.Entry<String, Object> e : c.args().entrySet()) {
                switch (e.getValue()) {
                    case String v -> args.put(e.getKey(), v);
                    case Float v -> args.put(e.getKey(), (double) v);
                    case Double v -> args.put(e.getKey(), v.doubleValue());
                    case Integer v -> args.put(e.getKey(), v.longValue());
                    case Long v -> args.put(e.getKey(), v.longValue());
                    case Boolean v -> args.put(e.getKey(), v.booleanValue());
                    default -> throw new IllegalStateException("LayerConfig admitted " + e.getValue().getClass());
                }
            }
            Json.ObjectWriter o = Json.object().put("type", c.type()).put("args", args);
            if (!c.children().isEmpty()) {
                o.put("children", list(c.children()));
            }
            a.add(o);
        }
        return a;
    }

    /** Builds the model the JSON describes; throws {@link ConfigException} saying what is malformed. */
    static Sequential decode(String json, LayerRegistry registry) {
        Object root;
        try {
            root = Json.parse(json);
        } catch (dev.vecprop.io.MalformedJsonException e) {
            throw new ConfigException("model structure: " + e.getMessage());
        }
        if (!(root instanceof Map<?, ?> m) || !(m.get("input") instanceof List<?> in) || !(m.get("layers") instanceof List<?> ls)) {
            throw new ConfigException("model structure must be an object with \"input\" and \"layers\" arrays");
        }
        int[] dims = new int[in.size()];
        for (int i = 0; i < dims.length; i++) {
            if (!(in.get(i) instanceof Long v) || v < 1 || v > Integer.MAX_VALUE) {
                throw new ConfigException("model structure: input dimension " + i + " must be a positive integer, got "
                        + Json.printable(in.get(i)));
            }
            dims[i] = (int) (long) v;
        }
        List<Layer> layers = registry.createAll(configs(ls, 0));
        return new Sequential(Shape.of(dims), layers);
    }

    private static List<LayerConfig> configs(List<?> ls, int depth) {
        if (depth > 16) {
            throw new ConfigException("model structure: layers nested more than 16 deep");
        }
        List<LayerConfig> r = new ArrayList<>();
        for (int i = 0; i < ls.size(); i++) {
            if (!(ls.get(i) instanceof Map<?, ?> o) || !(o.get("type") instanceof String type)
                    || !(o.get("args") instanceof Map<?, ?> args)) {
                throw new ConfigException("model structure: layer " + i + " must be an object with \"type\" and \"args\"");
            }
            Map<String, Object> a = new java.util.LinkedHashMap<>();
            for (Map.Entry<?, ?> e : args.entrySet()) {
                Object v = e.getValue();
                if (v instanceof Map || v instanceof List || v == null) {
                    throw new ConfigException("model structure: layer " + i + " " + Json.printable(type) + " argument "
                            + Json.printable(e.getKey()) + " must be a number, boolean or string");
                }
                a.put((String) e.getKey(), v);
            }
            List<LayerConfig> children = List.of();
            Object ch = o.get("children");
            if (ch != null) {
                if (!(ch instanceof List<?> cl)) {
                    throw new ConfigException("model structure: layer " + i + " children must be an array");
                }
                children = configs(cl, depth + 1);
            }
            r.add(new LayerConfig(type, a, children));
        }
        return r;
    }

    /** One line saying where two structures differ, layer by layer. */
    static String difference(Sequential model, String saved) {
        String mine = encodeOrNull(model);
        if (mine == null) {
            return "a different structure";
        }
        try {
            Map<?, ?> a = (Map<?, ?>) Json.parse(saved);
            Map<?, ?> b = (Map<?, ?>) Json.parse(mine);
            if (!a.get("input").equals(b.get("input"))) {
                return "input " + a.get("input") + " in the file, " + b.get("input") + " in this model";
            }
            List<?> la = (List<?>) a.get("layers");
            List<?> lb = (List<?>) b.get("layers");
            for (int i = 0; i < Math.min(la.size(), lb.size()); i++) {
                if (!la.get(i).equals(lb.get(i))) {
                    return String.format(Locale.ROOT, "layer %d is %s in the file, %s in this model", i,
                            Json.printable(brief(la.get(i))), Json.printable(brief(lb.get(i))));
                }
            }
            return la.size() + " layers in the file, " + lb.size() + " in this model";
        } catch (RuntimeException e) {
            return "a different structure";
        }
    }

    private static String brief(Object layer) {
        Map<?, ?> m = (Map<?, ?>) layer;
        return m.get("type") + "" + m.get("args");
    }
}
