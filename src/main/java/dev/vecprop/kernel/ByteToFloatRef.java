package dev.vecprop.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Scalar twin of {@link ByteToFloat}: {@code dst[i] = fma(u8(src[off + i]), scale, shift)}. */
public final class ByteToFloatRef {
    private ByteToFloatRef() {}

    public static void u8ToF32(MemorySegment src, long off, float[] dst, int dstOff, int n, float scale, float shift) {
        for (int i = 0; i < n; i++) {
            int u = src.get(ValueLayout.JAVA_BYTE, off + i) & 0xFF;
            dst[dstOff + i] = Math.fma((float) u, scale, shift);
        }
    }
}
