package dev.vecprop.simd;

import dev.vecprop.ConfigException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Every {@code -Dvecprop.*} switch of the kernels and layers, read from the system properties once,
 * when this class initialises, by one strict parser ({@link #parse}). No other class reads a
 * {@code vecprop.*} property: {@link Simd}, {@link GemmTiling}, {@code kernel.Sgemm} and
 * {@code layer.Conv2d} copy the values below into their own {@code static final} fields, so the hot
 * code reads constants exactly as before.
 *
 * <p>Values are trimmed; a blank value means the default; words and tile shapes are matched
 * ignoring case. A value outside the accepted ones fails class initialisation with a
 * {@link ConfigException} whose one-line message names the property and the accepted values, e.g.
 * {@code -Dvecprop.convInputGrad=fulll: expected one of auto, full, cols} (all bad switches in one
 * message, separated by {@code "; "}). The command line checks this at start-up ({@code vecprop info}
 * lists every switch: {@link #describe()}). A {@code vecprop.*} property that is not a switch is
 * logged once as a warning (a typo would otherwise go unnoticed).
 *
 * <p>The switches:
 * <ul>
 *   <li>{@code vectorBits=0|128|256|512}: vector width; 0 the scalar kernels; default the hardware's widest.</li>
 *   <li>{@code tile=RxV}: the GEMM register tile, one of {@link #TILES}; default 6x2 with 32 vector
 *       registers, 4x2 with 16. Ignored on the scalar path.</li>
 *   <li>{@code kc}, {@code mc}, {@code nc}: positive GEMM cache-block sizes; defaults in {@link GemmTiling}.</li>
 *   <li>{@code skipZeroInputs=auto|off}, {@code skipZeroMaxShare=X} (a number in [0, 1], default 0.6):
 *       whether and when dense layers leave out the multiply-adds by zero inputs.</li>
 * </ul>
 * Test and A/B switches: each forces the other side of an automatic choice, so that a test run
 * covers a code path the default configuration of the machine would not take (the width-128 and
 * width-256 Surefire executions of pom.xml set them), or an A/B run can compare both sides; results
 * are the same either way, only the speed differs:
 * <ul>
 *   <li>{@code packA=auto|scalar}: scalar packs row-major A panels with the scalar loop.</li>
 *   <li>{@code gemmDirectA=auto|off}: off always packs a TRANSPOSED A instead of reading small ones in place.</li>
 *   <li>{@code rowSweepMinC=N} (a non-negative integer, default 65536): a row-major C of more
 *       elements is swept along its rows; 0 sweeps every one so.</li>
 *   <li>{@code convInputGrad=auto|full|cols}: Conv2d's input-gradient method at stride 1: auto and full take the direct full correlation, cols the columns GEMM + col2im (other strides always use columns).</li>
 * </ul>
 * Not a switch: {@code vecprop.data}, the launcher's data folder, is read by the command line
 * ({@code cli.DataRoot}) and reaches the library as a {@code Path} argument.
 */
public final class Tuning {
    private Tuning() {}

    /** Property choosing the vector width in bits (0 = scalar). */
    public static final String VECTOR_BITS_PROP = "vecprop.vectorBits";
    /** Property overriding the GEMM register tile, e.g. {@code 6x2} (MR rows x NV vectors). */
    public static final String TILE_PROP = "vecprop.tile";
    /** Property overriding the GEMM K block. */
    public static final String KC_PROP = "vecprop.kc";
    /** Property overriding the GEMM A block rows. */
    public static final String MC_PROP = "vecprop.mc";
    /** Property overriding the GEMM B block columns. */
    public static final String NC_PROP = "vecprop.nc";
    /** Property: {@code scalar} packs row-major A panels with the scalar loop (test switch). */
    public static final String PACK_A_PROP = "vecprop.packA";
    /** Property: {@code off} always packs a TRANSPOSED A (test switch). */
    public static final String GEMM_DIRECT_A_PROP = "vecprop.gemmDirectA";
    /** Property: the size above which a row-major C is swept along its rows (test switch). */
    public static final String ROW_SWEEP_MIN_C_PROP = "vecprop.rowSweepMinC";
    /** Property: {@code off} makes dense layers run the dense products always. */
    public static final String SKIP_ZERO_INPUTS_PROP = "vecprop.skipZeroInputs";
    /** Property: the largest share of kept steps at which zero inputs are skipped. */
    public static final String SKIP_ZERO_MAX_SHARE_PROP = "vecprop.skipZeroMaxShare";
    /** Property forcing Conv2d's input-gradient method (test switch). */
    public static final String CONV_INPUT_GRAD_PROP = "vecprop.convInputGrad";

    /** Register tiles that have a vector micro-kernel, in the form {@code -Dvecprop.tile} takes. */
    public static final List<String> TILES =
            List.of("4x2", "6x2");

    /**
     * The parsed value of every switch; {@link #parse} builds it, the constants below copy it.
     *
     * @param vectorBits       -1 when unset (the hardware's widest), else 0, 128, 256 or 512
     * @param tile             null when unset, else one of {@link #TILES}
     * @param kc               0 when unset (the tile's default), else positive
     * @param mc               A block rows before rounding (default 144)
     * @param nc               B block columns before rounding (default 4096)
     * @param packAScalar      {@code packA=scalar}
     * @param gemmDirectA      {@code gemmDirectA=auto} (the default)
     * @param rowSweepMinC     non-negative (default 65536)
     * @param skipZeroInputs   {@code skipZeroInputs=auto} (the default)
     * @param skipZeroMaxShare in [0, 1] (default 0.6)
     * @param convInputGrad    {@code "auto"}, {@code "full"} or {@code "cols"}
     * @param given            the switches that were set: property name to its trimmed value
     */
    public record Settings(int vectorBits, String tile, int kc, int mc, int nc, boolean packAScalar,
                           boolean gemmDirectA, long rowSweepMinC, boolean skipZeroInputs,
                           double skipZeroMaxShare, String convInputGrad, Map<String, String> given) {
        /** Copies {@code given}. */
        public Settings {
            given = Map.copyOf(given);
        }
    }

    private record Spec(String name, String accepts, String byDefault) {}

    private static final List<Spec> SPECS = List.of(
            new Spec(VECTOR_BITS_PROP, "0, 128, 256, 512", "the hardware's widest"),
            new Spec(TILE_PROP, String.join(" ", TILES), "6x2 with 32 vector registers, 4x2 with 16"),
            new Spec(KC_PROP, "a positive integer", "800 with the 4x2 tile of 8-lane vectors, else 256"),
            new Spec(MC_PROP, "a positive integer", "144 (rounded down to whole register tiles)"),
            new Spec(NC_PROP, "a positive integer", "4096 (rounded down to whole register tiles)"),
            new Spec(PACK_A_PROP, "auto, scalar", "auto"),
            new Spec(GEMM_DIRECT_A_PROP, "auto, off", "auto"),
            new Spec(ROW_SWEEP_MIN_C_PROP, "a non-negative integer", "65536"),
            new Spec(SKIP_ZERO_INPUTS_PROP, "auto, off", "auto"),
            new Spec(SKIP_ZERO_MAX_SHARE_PROP, "a number in [0, 1]", "0.6"),
            new Spec(CONV_INPUT_GRAD_PROP, "auto, full, cols", "auto"));

    /** {@code vecprop.*} properties that are not switches of the library (no warning for them). */
    private static final List<String> NOT_SWITCHES = List.of("vecprop.data", "vecprop.test.", "vecprop.vector.");

    /** Requested vector width: -1 unset (the hardware's widest), else 0, 128, 256 or 512. */
    public static final int VECTOR_BITS;
    /** Requested register tile, one of {@link #TILES}, or null for the default. */
    public static final String TILE;
    /** Requested K block, or 0 for the tile's default. */
    public static final int KC;
    /** A block rows before rounding to register tiles (default 144). */
    public static final int MC;
    /** B block columns before rounding to register tiles (default 4096). */
    public static final int NC;
    /** False when {@code -Dvecprop.packA=scalar}. */
    public static final boolean PACK_A_VECTOR;
    /** False when {@code -Dvecprop.gemmDirectA=off}. */
    public static final boolean GEMM_DIRECT_A;
    /** A row-major C of more elements than this is swept along its rows (default 65536). */
    public static final long ROW_SWEEP_MIN_C;
    /** False when {@code -Dvecprop.skipZeroInputs=off}. */
    public static final boolean SKIP_ZERO_INPUTS;
    /** The largest share of kept steps at which zero inputs are skipped (default 0.6). */
    public static final double SKIP_ZERO_MAX_SHARE;
    /** Conv2d's input-gradient method: {@code "auto"}, {@code "full"} or {@code "cols"}. */
    public static final String CONV_INPUT_GRAD;
    /** The parsed switches, for {@link #describe()}. */
    private static final Settings SETTINGS;

    static {
        Settings s = parse(System::getProperty);
        SETTINGS = s;
        VECTOR_BITS = s.vectorBits();
        TILE = s.tile();
        KC = s.kc();
        MC = s.mc();
        NC = s.nc();
        PACK_A_VECTOR = !s.packAScalar();
        GEMM_DIRECT_A = s.gemmDirectA();
        ROW_SWEEP_MIN_C = s.rowSweepMinC();
        SKIP_ZERO_INPUTS = s.skipZeroInputs();
        SKIP_ZERO_MAX_SHARE = s.skipZeroMaxShare();
        CONV_INPUT_GRAD = s.convInputGrad();
        for (String name : unknown(System.getProperties().stringPropertyNames())) {
            System.getLogger("dev.vecprop").log(System.Logger.Level.WARNING,
                    "-D" + name + " is not a vecprop switch (vecprop info lists them)");
        }
    }

    /**
     * Parses every switch from {@code props} (a property name to its value, or null when unset),
     * e.g. {@code System::getProperty} or {@code Map::get} of a test's map.
     *
     * @throws ConfigException naming each property with a bad value and its accepted values, on one line
     */
    public static Settings parse(Function<String, String> props) {
        Reader r = new Reader(Objects.requireNonNull(props));
        String bits = r.word(VECTOR_BITS_PROP, null, List.of("0", "128", "256", "512"));
        String tile = r.word(TILE_PROP, null, TILES);
        int kc = (int) r.integer(KC_PROP, 0, 1, Integer.MAX_VALUE, "a positive integer");
        int mc = (int) r.integer(MC_PROP, 144, 1, Integer.MAX_VALUE, "a positive integer");
        int nc = (int) r.integer(NC_PROP, 4096, 1, Integer.MAX_VALUE, "a positive integer");
        String packA = r.word(PACK_A_PROP, "auto", List.of("auto", "scalar"));
        String directA = r.word(GEMM_DIRECT_A_PROP, "auto", List.of("auto", "off"));
        long rowSweep = r.integer(ROW_SWEEP_MIN_C_PROP, 1 << 16, 0, Long.MAX_VALUE, "a non-negative integer");
        String skip = r.word(SKIP_ZERO_INPUTS_PROP, "auto", List.of("auto", "off"));
        double share = r.share(SKIP_ZERO_MAX_SHARE_PROP, 0.6);
        String conv = r.word(CONV_INPUT_GRAD_PROP, "auto", List.of("auto", "full", "cols"));
        if (!r.errors.isEmpty()) {
            throw new ConfigException(String.join("; ", r.errors));
        }
        return new Settings(bits == null ? -1 : Integer.parseInt(bits), tile, kc, mc, nc, packA.equals("scalar"),
                directA.equals("auto"), rowSweep, skip.equals("auto"), share, conv, r.given);
    }

    /** The names among {@code propertyNames} that start with {@code vecprop.} but are not switches. */
    static List<String> unknown(Collection<String> propertyNames) {
        List<String> out = new ArrayList<>();
        for (String n : propertyNames) {
            if (n.startsWith("vecprop.") && SPECS.stream().noneMatch(s -> s.name().equals(n))
                    && NOT_SWITCHES.stream().noneMatch(p -> p.endsWith(".") ? n.startsWith(p) : n.equals(p))) {
                out.add(n);
            }
        }
        out.sort(null);
        return out;
    }

    /**
     * One line per switch: {@code -Dvecprop.NAME}, the value given (or {@code unset}), the default and
     * the accepted values, e.g. {@code "-Dvecprop.convInputGrad  unset    default auto; accepts auto, full, cols"}.
     */
    public static List<String> describe() {
        return describe(SETTINGS);
    }

    static List<String> describe(Settings s) {
        List<String> lines = new ArrayList<>();
        for (Spec spec : SPECS) {
            String v = s.given().get(spec.name());
            lines.add(String.format(Locale.ROOT, "%-27s %-8s default %s; accepts %s", "-D" + spec.name(),
                    v == null ? "unset" : v, spec.byDefault(), spec.accepts()));
        }
        return lines;
    }

    /** Reads and checks one switch at a time, collecting every error. */
    private static final class Reader {
        private final Function<String, String> props;
        private final List<String> errors = new ArrayList<>();
        private final Map<String, String> given = new LinkedHashMap<>();

        Reader(Function<String, String> props) {
            this.props = props;
        }

        /** The trimmed value, or null when unset or blank. */
        private String raw(String name) {
            String v = props.apply(name);
            if (v == null || v.isBlank()) {
                return null;
            }
            v = v.strip();
            given.put(name, v);
            return v;
        }

        private void fail(String name, String v, String expected) {
            StringBuilder shown = new StringBuilder();
            v.codePoints().limit(60).forEach(c -> shown.appendCodePoint(Character.isISOControl(c) ? '?' : c));
            errors.add("-D" + name + "=" + shown + (v.codePointCount(0, v.length()) > 60 ? "..." : "")
                    + ": expected " + expected);
        }

        /** One of {@code accepted} (ignoring case), as spelled there; {@code def} when unset. */
        String word(String name, String def, List<String> accepted) {
            String v = raw(name);
            if (v == null) {
                return def;
            }
            for (String a : accepted) {
                if (a.equalsIgnoreCase(v)) {
                    return a;
                }
            }
            fail(name, v, "one of " + String.join(", ", accepted));
            return def;
        }

        /** A decimal integer in [min, max]; {@code def} when unset. */
        long integer(String name, long def, long min, long max, String expected) {
            String v = raw(name);
            if (v == null) {
                return def;
            }
            try {
                long x = Long.parseLong(v);
                if (x >= min && x <= max) {
                    return x;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            fail(name, v, expected);
            return def;
        }

        /** A number in [0, 1]; {@code def} when unset. */
        double share(String name, double def) {
            String v = raw(name);
            if (v == null) {
                return def;
            }
            try {
                double d = Double.parseDouble(v);
                if (d >= 0 && d <= 1) {
                    return d;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            fail(name, v, "a number in [0, 1]");
            return def;
        }
    }
}
