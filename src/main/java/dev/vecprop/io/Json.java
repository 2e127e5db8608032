package dev.vecprop.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The small JSON subset safetensors headers use: objects, arrays, strings, integers and other
 * numbers, true/false/null. Parsing is strict and bounded (depth 64) and reports the character
 * offset of the first error. Objects parse to {@code LinkedHashMap}, arrays to {@code List},
 * integers to {@code Long}, other numbers to {@code Double}.
 *
 * <p>Writing: {@link #object()} and {@link #array()} build compact JSON text with every string
 * escaped by {@link #quote}; every JSON text vecprop writes (checkpoint headers and metadata, the
 * command line's {@code --json} lines) goes through them.
 *
 * <p>(One file, a little over 500 lines, because parser and writer are one concept, the format:
 * they share its escaping and number rules, and a change to one is checked against the other.)
 */
public final class Json {
    private final String s;
    private int i;
    private int depth;

    private Json(String s) {
        this.s = s;
    }

    /**
     * Parses one JSON value filling the whole text (surrounding whitespace allowed).
     *
     * @param text the JSON text
     * @return a {@code Map<String, Object>} (in key order), {@code List<Object>}, {@code String},
     *         {@code Long}, {@code Double}, {@code Boolean}, or null for JSON {@code null}
     * @throws MalformedJsonException if the text is malformed, has duplicate keys or nests deeper
     *                                  than 64; the message gives the character offset
     */
    public static Object parse(String text) {
        Json j = new Json(text);
        j.ws();
        Object v = j.value();
        j.ws();
        if (j.i != text.length()) {
            throw j.error("trailing characters");
        }
        return v;
    }

    private MalformedJsonException error(String what) {
        return new MalformedJsonException("malformed JSON at character " + i + ": " + what);
    }

    private void ws() {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\n' || s.charAt(i) == '\r' || s.charAt(i) == '\t')) {
            i++;
        }
    }

    private Object value() {
        if (i >= s.length()) {
            throw error("unexpected end");
        }
        char c = s.charAt(i);
        return switch (c) {
            case '{' -> parseObject();
            case '[' -> parseArray();
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw error("unexpected '" + printable(c) + "'");
            }
        };
    }

    private Object literal(String word, Object v) {
        if (!s.startsWith(word, i)) {
            throw error("expected " + word);
        }
        i += word.length();
        return v;
    }

    private Map<String, Object> parseObject() {
        if (++depth > 64) {
            throw error("nested too deeply");
        }
        i++;
        Map<String, Object> m = new LinkedHashMap<>();
        ws();
        if (i < s.length() && s.charAt(i) == '}') {
            i++;
            depth--;
            return m;
        }
        while (true) {
            ws();
            if (i >= s.length() || s.charAt(i) != '"') {
                throw error("expected a key string");
            }
            String k = string();
            ws();
            if (i >= s.length() || s.charAt(i) != ':') {
                throw error("expected ':'");
            }
            i++;
            ws();
            if (m.containsKey(k)) {
                throw error("duplicate key \"" + printable(k) + "\"");
            }
            m.put(k, value());
            ws();
            if (i >= s.length()) {
                throw error("unexpected end in object");
            }
            char c = s.charAt(i++);
            if (c == '}') {
                depth--;
                return m;
            }
            if (c != ',') {
                throw error("expected ',' or '}'");
            }
        }
    }

    private List<Object> parseArray() {
        if (++depth > 64) {
            throw error("nested too deeply");
        }
        i++;
        List<Object> a = new ArrayList<>();
        ws();
        if (i < s.length() && s.charAt(i) == ']') {
            i++;
            depth--;
            return a;
        }
        while (true) {
            ws();
            a.add(value());
            ws();
            if (i >= s.length()) {
                throw error("unexpected end in array");
            }
            char c = s.charAt(i++);
            if (c == ']') {
                depth--;
                return a;
            }
            if (c != ',') {
                throw error("expected ',' or ']'");
            }
        }
    }

    private String string() {
        i++;
        StringBuilder b = new StringBuilder();
        while (true) {
            if (i >= s.length()) {
                throw error("unterminated string");
            }
            char c = s.charAt(i++);
            if (c == '"') {
                return b.toString();
            }
            if (c < 0x20) {
                throw error("control character in string");
            }
            if (c == '\\') {
                if (i >= s.length()) {
                    throw error("unterminated escape");
                }
                char e = s.charAt(i++);
                switch (e) {
                    case '"', '\\', '/' -> b.append(e);
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'u' -> {
                        if (i + 4 > s.length()) {
                            throw error("short \\u escape");
                        }
                        try {
                            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw error("bad \\u escape");
                        }
                        i += 4;
                    }
                    default -> throw error("bad escape \\" + printable(e));
                }
            } else {
                b.append(c);
            }
        }
    }

    private Object number() {
        int start = i;
        if (s.charAt(i) == '-') {
            i++;
        }
        boolean integer = true;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                i++;
            } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                integer = false;
                i++;
            } else {
                break;
            }
        }
        String t = s.substring(start, i);
        try {
            return integer ? (Object) Long.parseLong(t) : (Object) Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw error("bad number " + printable(t));
        }
    }

    /**
     * Text from an untrusted file made safe for a one-line error message: control characters
     * escaped, at most 60 characters kept.
     *
     * @param o the value to show, via {@link String#valueOf(Object)}
     * @return its text with control, surrogate and line-separator characters as <code>&#92;uXXXX</code>
     *         escapes, cut to 60 characters plus {@code "..."} when longer
     */
    public static String printable(Object o) {
        String v = String.valueOf(o);
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < v.length() && b.length() < 60; k++) {
            char c = v.charAt(k);
            if (c < 0x20 || c == 0x7F || Character.isSurrogate(c) || c == 0x2028 || c == 0x2029 || c == 0x85) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return v.length() > 60 ? b + "..." : b.toString();
    }

    /**
     * Writes a JSON string literal: the one escaping every JSON text vecprop writes goes through.
     *
     * @param v the string
     * @return {@code v} in double quotes, with quotes and backslashes escaped, control characters as
     *         {@code \n}, {@code \r}, {@code \t} or <code>&#92;uXXXX</code>, and U+2028, U+2029 and
     *         unpaired surrogates as <code>&#92;uXXXX</code> (so the text survives UTF-8 and
     *         JavaScript); other characters as they are
     */
    public static String quote(String v) {
        StringBuilder b = new StringBuilder(v.length() + 2);
        appendQuoted(b, v);
        return b.toString();
    }

    private static void appendQuoted(StringBuilder b, String v) {
        b.append('"');
        for (int k = 0; k < v.length(); k++) {
            char c = v.charAt(k);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    boolean paired = Character.isHighSurrogate(c) ? k + 1 < v.length() && Character.isLowSurrogate(v.charAt(k + 1))
                            : Character.isLowSurrogate(c) && k > 0 && Character.isHighSurrogate(v.charAt(k - 1));
                    if (c < 0x20 || c == 0x2028 || c == 0x2029 || (Character.isSurrogate(c) && !paired)) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }

    /** A finite number as Java's shortest decimal form ({@link Double#toString(double)}), else {@code null}. */
    private static String number(double d) {
        return Double.isFinite(d) ? Double.toString(d) : "null";
    }

    /** A finite number as Java's shortest decimal form ({@link Float#toString(float)}), else {@code null}. */
    private static String number(float f) {
        return Float.isFinite(f) ? Float.toString(f) : "null";
    }

    /**
     * Starts a JSON object, written compactly with its members in the order they are put, e.g.
     * {@code Json.object().put("accuracy", 0.98).put("arch", "mlp").toString()} is
     * {@code {"accuracy":0.98,"arch":"mlp"}}.
     *
     * @return an empty object to put members into
     */
    public static ObjectWriter object() {
        return new ObjectWriter();
    }

    /**
     * Starts a JSON array, written compactly, e.g. {@code Json.array().add(1).add("a")} is {@code [1,"a"]}.
     *
     * @return an empty array to add elements to
     */
    public static ArrayWriter array() {
        return new ArrayWriter();
    }

    /**
     * A JSON object being written: every key and string value is escaped ({@link #quote}); numbers are
     * Java's shortest decimal form of the value's type ({@link Long#toString(long)},
     * {@link Float#toString(float)}, {@link Double#toString(double)}), and {@code null} when NaN or
     * infinite, which JSON cannot represent; a null string is {@code null}.
     * {@link #toString()} gives the text so far.
     */
    public static final class ObjectWriter {
        private final StringBuilder b = new StringBuilder("{");
        private final java.util.Set<String> keys = new java.util.HashSet<>();

        private ObjectWriter() {}

        private ObjectWriter key(String key) {
            if (!keys.add(key)) {
                throw new IllegalArgumentException("duplicate JSON key \"" + printable(key) + "\"");
            }
            if (b.length() > 1) {
                b.append(',');
            }
            appendQuoted(b, key);
            b.append(':');
            return this;
        }

        /**
         * Adds a string member.
         *
         * @param key   the member's name
         * @param value the string, or null for JSON {@code null}
         * @return this object
         * @throws IllegalArgumentException if the object already has {@code key}
         */
        public ObjectWriter put(String key, String value) {
            key(key);
            if (value == null) {
                b.append("null");
            } else {
                appendQuoted(b, value);
            }
            return this;
        }

        /**
         * Adds an integer member.
         *
         * @param key   the member's name
         * @param value the number
         * @return this object
         * @throws IllegalArgumentException if the object already has {@code key}
         */
        public ObjectWriter put(String key, long value) {
            key(key).b.append(value);
            return this;
        }

        /**
         * Adds a number member written as {@link Double#toString(double)}.
         *
         * @param key   the member's name
         * @param value the number; NaN and infinities are written as {@code null}
         * @return this object
         * @throws IllegalArgumentException if the object already has {@code key}
         */
        public ObjectWriter put(String key, double value) {
            key(key).b.append(number(value));
            return this;
        }

        /**
         * Adds a number member written as {@link Float#toString(float)}.
         *
         * @param key   the member's name
         * @param value the number; NaN and infinities are written as {@code null}
         * @return this object
         * @throws IllegalArgumentException if the object already has {@code key}
         */
        public ObjectWriter put(String key, float value) {
            key(key).b.append(number(value));
            return this;
        }

        /**
         * Adds a boolean member.
         *
         * @param key   the member's name
         * @param value the boolean
         * @return this object
         * @throws IllegalArgumentException if the object already has {@code key}
         */
        public ObjectWriter put(String key, boolean value) {
            key(key).b.append(value);
            return this;
        }

        /**
         * Adds an object member: the text of {@code value} as it stands now.
         *
         * @param key   the member's name
         * @param value the object
         * @return this object
         * @throws IllegalArgumentException if the object already has {@code key}
         */
        public ObjectWriter put(String key, ObjectWriter value) {
            key(key).b.append(value);
            return this;
        }

        /**
         * Adds an array member: the text of {@code value} as it stands now.
         *
         * @param key   the member's name
         * @param value the array
         * @return this object
         * @throws IllegalArgumentException if the object already has {@code key}
         */
        public ObjectWriter put(String key, ArrayWriter value) {
            key(key).b.append(value);
            return this;
        }

        /**
         * Adds a {@code null} member.
         *
         * @param key the member's name
         * @return this object
         * @throws IllegalArgumentException if the object already has {@code key}
         */
        public ObjectWriter putNull(String key) {
            key(key).b.append("null");
            return this;
        }

        /** {@return the object's JSON text, e.g. {@code {"a":1}}} */
        @Override
        public String toString() {
            return b + "}";
        }
    }

    /**
     * A JSON array being written, with the escaping and number forms of {@link ObjectWriter}.
     * {@link #toString()} gives the text so far.
     */
    public static final class ArrayWriter {
        private final StringBuilder b = new StringBuilder("[");

        private ArrayWriter() {}

        private StringBuilder next() {
            if (b.length() > 1) {
                b.append(',');
            }
            return b;
        }

        /**
         * Adds a string.
         *
         * @param value the string, or null for JSON {@code null}
         * @return this array
         */
        public ArrayWriter add(String value) {
            if (value == null) {
                next().append("null");
            } else {
                appendQuoted(next(), value);
            }
            return this;
        }

        /**
         * Adds an integer.
         *
         * @param value the number
         * @return this array
         */
        public ArrayWriter add(long value) {
            next().append(value);
            return this;
        }

        /**
         * Adds a number written as {@link Double#toString(double)}.
         *
         * @param value the number; NaN and infinities are written as {@code null}
         * @return this array
         */
        public ArrayWriter add(double value) {
            next().append(number(value));
            return this;
        }

        /**
         * Adds a number written as {@link Float#toString(float)}.
         *
         * @param value the number; NaN and infinities are written as {@code null}
         * @return this array
         */
        public ArrayWriter add(float value) {
            next().append(number(value));
            return this;
        }

        /**
         * Adds a boolean.
         *
         * @param value the boolean
         * @return this array
         */
        public ArrayWriter add(boolean value) {
            next().append(value);
            return this;
        }

        /**
         * Adds an object: the text of {@code value} as it stands now.
         *
         * @param value the object
         * @return this array
         */
        public ArrayWriter add(ObjectWriter value) {
            next().append(value);
            return this;
        }

        /**
         * Adds an array: the text of {@code value} as it stands now.
         *
         * @param value the array
         * @return this array
         */
        public ArrayWriter add(ArrayWriter value) {
            next().append(value);
            return this;
        }

        /**
         * Adds {@code null}.
         *
         * @return this array
         */
        public ArrayWriter addNull() {
            next().append("null");
            return this;
        }

        /** {@return the array's JSON text, e.g. {@code [1,"a"]}} */
        @Override
        public String toString() {
            return b + "]";
        }
    }
}
