package dev.vecprop;

import dev.vecprop.io.LibraryVersion;
import dev.vecprop.simd.GemmTiling;
import dev.vecprop.simd.Simd;
import dev.vecprop.simd.Tuning;

import java.util.List;
import java.util.Optional;

/**
 * What this JVM runs vecprop's kernels with, decided once when the library is first used: the
 * vector width (the widest the CPU and the Vector API offer, unless {@code -Dvecprop.vectorBits}
 * narrows it), or the scalar fallback when {@code jdk.incubator.vector} is not in the module graph
 * or C2 is off. Results are the same either way, only slower without vectors. For logs, health
 * checks and benchmark reports.
 *
 * <p>The {@code -Dvecprop.*} tuning switches are read once, when the kernels are first used; a bad
 * value fails that first use with an {@link ExceptionInInitializerError} whose cause is a
 * {@link ConfigException} naming the property and its accepted values.
 */
public final class Platform {
    private Platform() {
    }

    /** {@return the library's version, e.g. {@code 0.1.0-SNAPSHOT}} */
    public static String version() {
        return LibraryVersion.get();
    }

    /** {@return whether the kernels run on the Vector API (false: the scalar fallback)} */
    public static boolean vectorized() {
        return Simd.ENABLED;
    }

    /** {@return the vector width the kernels use, in bits (128, 256 or 512), or 0 for the scalar fallback} */
    public static int vectorBits() {
        return Simd.ENABLED ? Simd.VECTOR_BITS : 0;
    }

    /** {@return why the kernels run scalar (one line), or empty when they are vectorized} */
    public static Optional<String> scalarReason() {
        return Simd.ENABLED ? Optional.empty() : Optional.ofNullable(Simd.SCALAR_REASON);
    }

    /**
     * {@return one line describing the vector configuration, e.g. {@code "512-bit (16 float lanes;
     * hardware max 512-bit, 32 vector registers)"} or {@code "scalar (reason)"}}
     */
    public static String describeVectors() {
        return Simd.describe();
    }

    /** {@return one line describing the matrix-multiply register tile and cache blocking in use} */
    public static String describeKernels() {
        return GemmTiling.describe();
    }

    /**
     * {@return one line per {@code -Dvecprop.*} tuning switch: its name, the value given (or
     * {@code unset}), its default and the values it accepts}
     */
    public static List<String> describeSwitches() {
        return Tuning.describe();
    }
}
