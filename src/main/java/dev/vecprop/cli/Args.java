package dev.vecprop.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Strict option parsing for one command: {@code --name value}, {@code --name=value} and flags.
 * Unknown options, missing values, repeated options and values out of range are usage errors
 * (exit code 2) whose one-line message names the option.
 */
final class Args {
    private final String cmd;
    private final Map<String, String> values = new HashMap<>();
    private final Set<String> read = new java.util.HashSet<>();

    Args(String cmd, String[] argv, Set<String> flags, Set<String> valued) {
        this.cmd = cmd;
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (!a.startsWith("--")) {
                throw new UsageException(cmd + ": unexpected argument '" + a + "' (options start with --)");
            }
            String name = a.substring(2);
            String val = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                val = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (flags.contains(name)) {
                if (val != null) {
                    throw new UsageException(cmd + ": --" + name + " takes no value");
                }
                val = "true";
            } else if (valued.contains(name)) {
                if (val == null) {
                    if (i + 1 >= argv.length || isOption(argv[i + 1], flags, valued)) {
                        throw new UsageException(cmd + ": --" + name + " needs a value");
                    }
                    val = argv[++i];
                }
            } else {
                throw new UsageException(cmd + ": unknown option --" + name + " (see: vecprop " + cmd + " --help)");
            }
            if (values.put(name, val) != null) {
                throw new UsageException(cmd + ": --" + name + " given twice");
            }
        }
    }

    private static boolean isOption(String a, Set<String> flags, Set<String> valued) {
        if (!a.startsWith("--")) {
            return false;
        }
        String n = a.substring(2);
        int eq = n.indexOf('=');
        n = eq >= 0 ? n.substring(0, eq) : n;
        return flags.contains(n) || valued.contains(n);
    }

    boolean has(String name) {
        read.add(name);
        return values.containsKey(name);
    }

    String str(String name, String def) {
        read.add(name);
        return values.getOrDefault(name, def);
    }

    /**
     * Every option given on the command line must have been read by the command: an option that is
     * parsed but ignored is a bug, reported instead of silently running without it.
     */
    void requireAllRead() {
        for (String n : values.keySet()) {
            if (!read.contains(n)) {
                throw new IllegalStateException(cmd + ": option --" + n + " was accepted but not used (a bug in vecprop)");
            }
        }
    }

    int integer(String name, int def, int min, int max) {
        read.add(name);
        String v = values.get(name);
        if (v == null) {
            return def;
        }
        try {
            int x = Integer.parseInt(v.trim());
            if (x >= min && x <= max) {
                return x;
            }
        } catch (NumberFormatException ignored) {
            // fall through
        }
        throw new UsageException(cmd + ": --" + name + " expects an integer in " + min + ".." + max + ", got '" + v + "'");
    }

    long longValue(String name, long def, long min, long max) {
        read.add(name);
        String v = values.get(name);
        if (v == null) {
            return def;
        }
        try {
            long x = Long.parseLong(v.trim());
            if (x >= min && x <= max) {
                return x;
            }
        } catch (NumberFormatException ignored) {
            // fall through
        }
        throw new UsageException(cmd + ": --" + name + " expects an integer in " + min + ".." + max + ", got '" + v + "'");
    }

    double real(String name, double def, double min, double max, boolean minExclusive) {
        read.add(name);
        String v = values.get(name);
        if (v == null) {
            return def;
        }
        try {
            double x = Double.parseDouble(v.trim());
            if (Double.isFinite(x) && (minExclusive ? x > min : x >= min) && x <= max) {
                return x;
            }
        } catch (NumberFormatException ignored) {
            // fall through
        }
        throw new UsageException(cmd + ": --" + name + " expects a number " + (minExclusive ? "> " : ">= ") + min
                + (max < Double.MAX_VALUE ? " and <= " + max : "") + ", got '" + v + "'");
    }

    Path path(String name) {
        read.add(name);
        String v = values.get(name);
        if (v == null) {
            return null;
        }
        if (v.isBlank()) {
            throw new UsageException(cmd + ": --" + name + " expects a file name");
        }
        return Path.of(v);
    }
}
