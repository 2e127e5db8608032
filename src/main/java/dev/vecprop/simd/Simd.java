package dev.vecprop.simd;

import java.lang.management.ManagementFactory;
import java.lang.management.RuntimeMXBean;
import java.util.Locale;

/**
 * The one place that decides whether vecprop's kernels run on the Vector API, and at which width.
 *
 * <p>Decided once, at class initialisation, like Apache Lucene's vectorization provider:
 * <ul>
 *   <li>{@code -Dvecprop.vectorBits=0|128|256|512} ({@link Tuning#VECTOR_BITS}) picks the width; 0
 *       forces the scalar path; unset means the platform's preferred width.</li>
 *   <li>The Vector API is used only when the {@code jdk.incubator.vector} module is in the
 *       module graph (launch with {@code --add-modules jdk.incubator.vector}) and the JIT is C2
 *       (the API is many times slower when only C1 or the interpreter runs it).</li>
 *   <li>Otherwise kernels take their scalar path, and the reason is logged once.</li>
 * </ul>
 * This class never touches the Vector API itself, so it loads on any JVM; the species lives in
 * {@link FloatSpecies}, which is only loaded when {@link #ENABLED} is true.
 */
public final class Simd {
    private Simd() {}

    /** True when kernels use the Vector API. */
    public static final boolean ENABLED;
    /** Vector width in bits in use, 0 on the scalar path. */
    public static final int VECTOR_BITS;
    /** Float lanes per vector (1 on the scalar path). */
    public static final int LANES;
    /** Widest width the hardware offers through the Vector API (0 if unavailable). */
    public static final int MAX_BITS;
    /** Vector registers assumed for tile selection (32 with AVX-512 or on AArch64, else 16). */
    public static final int REGISTERS;
    /** Why the scalar path was chosen, or null. */
    public static final String SCALAR_REASON;

    static {
        String reason = null;
        int maxBits = 0;
        int want = Tuning.VECTOR_BITS; // -1: unset
        boolean moduleReadable = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        if (!moduleReadable) {
            reason = "module jdk.incubator.vector is not in the module graph "
                    + "(launch with --add-modules jdk.incubator.vector)";
        } else {
            String c2 = c2Problem();
            if (c2 != null) {
                reason = c2;
            } else {
                maxBits = HardwareProbe.preferredBits();
            }
        }
        int bits;
        if (reason != null) {
            bits = 0;
        } else if (want == 0) {
            bits = 0;
            reason = "-D" + Tuning.VECTOR_BITS_PROP + "=0";
        } else if (want > 0) {
            if (want > maxBits) {
                bits = maxBits;
                log("-D" + Tuning.VECTOR_BITS_PROP + "=" + want + " exceeds the hardware's " + maxBits
                        + "-bit vectors; using " + maxBits);
            } else {
                bits = want;
            }
        } else {
            bits = maxBits;
        }
        if (bits == 0 && reason != null && want != 0) {
            log("vecprop uses its scalar kernels: " + reason);
        }
        ENABLED = bits > 0;
        VECTOR_BITS = bits;
        LANES = bits > 0 ? bits / 32 : 1;
        MAX_BITS = maxBits;
        SCALAR_REASON = bits == 0 ? reason : null;
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        REGISTERS = (arch.contains("aarch64") || maxBits >= 512) ? 32 : 16;
    }

    /** Returns why C2 cannot run vector code, or null if it can. */
    private static String c2Problem() {
        String vmInfo = System.getProperty("java.vm.info", "");
        if (vmInfo.contains("interpreted mode")) {
            return "the JVM runs in interpreted mode (-Xint); the Vector API needs C2";
        }
        try {
            RuntimeMXBean rt = ManagementFactory.getRuntimeMXBean();
            for (String arg : rt.getInputArguments()) {
                if (arg.startsWith("-XX:TieredStopAtLevel=") && !arg.endsWith("=4")) {
                    return "C2 is disabled (" + arg + "); the Vector API needs C2";
                }
                if (arg.equals("-XX:-UseCompiler") || arg.equals("-Xint")) {
                    return "the JIT is disabled (" + arg + "); the Vector API needs C2";
                }
            }
        } catch (Throwable ignored) {
            // java.management absent (e.g. a jlinked runtime): trust java.vm.info alone.
        }
        return null;
    }

    private static void log(String msg) {
        System.getLogger("dev.vecprop").log(System.Logger.Level.WARNING, msg);
    }

    /** One line describing the vector configuration. */
    public static String describe() {
        if (!ENABLED) {
            return "scalar (" + SCALAR_REASON + ")";
        }
        return VECTOR_BITS + "-bit (" + LANES + " float lanes; hardware max " + MAX_BITS
                + "-bit, " + REGISTERS + " vector registers)";
    }
}
