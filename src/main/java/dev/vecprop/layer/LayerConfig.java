package dev.vecprop.layer;

import dev.vecprop.ConfigException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A layer's type and constructor arguments: what a checkpoint records so that loading rebuilds the
 * model with no architecture string. Built-in layers return theirs from {@link Layer#config()}; a
 * user layer returns one with its own type name and registers a factory for that name in a
 * {@link LayerRegistry}. Argument values are integers ({@code Integer}/{@code Long}), reals
 * ({@code Float}/{@code Double}), booleans or strings; composite layers (e.g. {@link Residual})
 * list their inner layers' configs as {@code children}.
 *
 * <pre>
 *   public LayerConfig config() { return LayerConfig.of("Scale", "features", n, "init", 1.0); }
 * </pre>
 *
 * @param type     the type name, e.g. {@code Linear} (letters, digits, {@code . _ -})
 * @param args     argument names to values, in order
 * @param children configs of inner layers (empty for a plain layer)
 */
public record LayerConfig(String type, Map<String, Object> args, List<LayerConfig> children) {

    /** Checks the type name and copies the collections. */
    public LayerConfig {
        if (type == null || !type.matches("[A-Za-z][A-Za-z0-9._-]{0,63}")) {
            throw new ConfigException("layer type name must be 1-64 letters, digits or . _ - starting with a letter, got '"
                    + type + "'");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : args.entrySet()) {
            Object v = e.getValue();
            if (!(v instanceof Integer || v instanceof Long || v instanceof Float || v instanceof Double
                    || v instanceof Boolean || v instanceof String)) {
                throw new ConfigException("layer " + type + ": argument " + e.getKey() + " must be a number, boolean or string, got "
                        + (v == null ? "null" : v.getClass().getSimpleName()));
            }
            if ((v instanceof Float f && !Float.isFinite(f)) || (v instanceof Double d && !Double.isFinite(d))) {
                throw new ConfigException("layer " + type + ": argument " + e.getKey() + " must be finite, got " + v);
            }
            m.put(e.getKey(), v);
        }
        args = Collections.unmodifiableMap(m);
        children = List.copyOf(children);
    }

    /**
     * Creates a config from alternating names and values, e.g. {@code of("Linear", "in", 784, "out", 10)}.
     *
     * @param type          the type name
     * @param namesAndValues alternating argument names (strings) and values
     * @return the config, without children
     * @throws ConfigException if the names and values do not pair up, a name is not a string, the type
     *                         name is invalid, or a value is not a finite number, a boolean or a string
     */
    public static LayerConfig of(String type, Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new ConfigException("layer " + type + ": arguments must come in name, value pairs");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (!(namesAndValues[i] instanceof String name)) {
                throw new ConfigException("layer " + type + ": argument name at position " + i + " is not a string");
            }
            m.put(name, namesAndValues[i + 1]);
        }
        return new LayerConfig(type, m, List.of());
    }

    /**
     * Returns this config with the given inner layers, for composite layers such as {@link Residual}.
     *
     * @param inner the inner layers' configs
     * @return a copy with these children
     */
    public LayerConfig withChildren(List<LayerConfig> inner) {
        return new LayerConfig(type, args, inner);
    }

    private Object arg(String name) {
        Object v = args.get(name);
        if (v == null) {
            throw new ConfigException("layer " + type + ": missing argument '" + name + "'");
        }
        return v;
    }

    /**
     * Reads an argument as an int; factories in a {@link LayerRegistry} use it.
     *
     * @param name the argument
     * @return its value as an int
     * @throws ConfigException if it is missing or not an integer in int range
     */
    public int intArg(String name) {
        Object v = arg(name);
        if (v instanceof Integer i) {
            return i;
        }
        if (v instanceof Long l && l == (int) (long) l) {
            return (int) (long) l;
        }
        throw new ConfigException("layer " + type + ": argument '" + name + "' must be an integer, got " + v);
    }

    /**
     * Reads an argument as a double; factories in a {@link LayerRegistry} use it.
     *
     * @param name the argument
     * @return its value as a double (integers are widened)
     * @throws ConfigException if it is missing or not a number
     */
    public double doubleArg(String name) {
        Object v = arg(name);
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw new ConfigException("layer " + type + ": argument '" + name + "' must be a number, got " + v);
    }

    /**
     * Reads an argument as a boolean; factories in a {@link LayerRegistry} use it.
     *
     * @param name the argument
     * @return its value as a boolean
     * @throws ConfigException if it is missing or not a boolean
     */
    public boolean boolArg(String name) {
        if (arg(name) instanceof Boolean b) {
            return b;
        }
        throw new ConfigException("layer " + type + ": argument '" + name + "' must be true or false, got " + arg(name));
    }

    /**
     * Reads an argument as a string; factories in a {@link LayerRegistry} use it.
     *
     * @param name the argument
     * @return its value as a string
     * @throws ConfigException if it is missing or not a string
     */
    public String stringArg(String name) {
        if (arg(name) instanceof String s) {
            return s;
        }
        throw new ConfigException("layer " + type + ": argument '" + name + "' must be a string, got " + arg(name));
    }
}
