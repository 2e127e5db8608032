package dev.vecprop.jmh;

import dev.vecprop.kernel.ByteToFloat;
import dev.vecprop.kernel.ByteToFloatRef;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;

/**
 * Pixels to floats for one batch of 64 MNIST images (64 x 784 u8 from a memory segment):
 * {@link ByteToFloat} (vector half ByteToFloatVector) against {@link ByteToFloatRef}.
 *
 * <pre>./vecprop jmh ByteToFloatBench</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class ByteToFloatBench {
    static final int N = 64 * 784;
    Arena arena;
    MemorySegment seg;
    float[] out = new float[N];

    @Setup
    public void setup() {
        arena = Arena.ofConfined();
        seg = arena.allocate(N);
        for (int i = 0; i < N; i++) {
            seg.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 31));
        }
    }

    @TearDown
    public void close() {
        arena.close();
    }

    @Benchmark
    public float[] vector() {
        ByteToFloat.u8ToF32(seg, 0, out, 0, N, 1f / 255f, 0f);
        return out;
    }

    @Benchmark
    public float[] scalar() {
        ByteToFloatRef.u8ToF32(seg, 0, out, 0, N, 1f / 255f, 0f);
        return out;
    }
}
