package dev.vecprop.kernel;

import dev.vecprop.simd.Simd;

import java.lang.foreign.MemorySegment;

/**
 * Unsigned bytes (e.g. pixels of a memory-mapped IDX file) to floats, scaled and shifted in one
 * pass: {@code dst[i] = fma(u8, scale, shift)} — e.g. {@code scale = 1/255} for [0, 1], or
 * {@code 1/(255 std), -mean/std} to normalise. Vector path zero-extends bytes to ints and converts;
 * the scalar twin is {@link ByteToFloatRef}. Results are bit-identical between the two.
 */
public final class ByteToFloat {
    private ByteToFloat() {}

    public static void u8ToF32(MemorySegment src, long off, float[] dst, int dstOff, int n, float scale, float shift) {
        if (Simd.ENABLED) {
            ByteToFloatVector.u8ToF32(src, off, dst, dstOff, n, scale, shift);
        } else {
            ByteToFloatRef.u8ToF32(src, off, dst, dstOff, n, scale, shift);
        }
    }
}
