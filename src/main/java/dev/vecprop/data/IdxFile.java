package dev.vecprop.data;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * An IDX file (the MNIST format) mapped into memory, validated before use. The file is never
 * copied onto the heap: elements are read from the mapping.
 *
 * <p>Format: two zero bytes, a type code (0x08 u8, 0x09 i8, 0x0B i16, 0x0C i32, 0x0D f32, 0x0E f64),
 * the number of dimensions, then each dimension as a big-endian 32-bit integer, then the data,
 * big-endian, row-major. Validation: magic, type, 1..8 dimensions each in 1..2^31-1, and that the
 * dimensions multiply (without overflow) to exactly the payload size.
 */
public final class IdxFile implements AutoCloseable {

    /** IDX element types. */
    public enum Type {
        U8(0x08, 1), I8(0x09, 1), I16(0x0B, 2), I32(0x0C, 4), F32(0x0D, 4), F64(0x0E, 8);

        final int code;
        final int bytes;

        Type(int code, int bytes) {
            this.code = code;
            this.bytes = bytes;
        }

        public int bytes() {
            return bytes;
        }

        static Type of(int code) {
            for (Type t : values()) {
                if (t.code == code) {
                    return t;
                }
            }
            return null;
        }
    }

    private static final int MAX_DIMS = 8;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final Path path;
    private final Type type;
    private final int[] dims;
    private final long elements;
    private final Arena arena;
    private final MemorySegment payload;

    private IdxFile(Path path, Type type, int[] dims, long elements, Arena arena, MemorySegment payload) {
        this.path = path;
        this.type = type;
        this.dims = dims;
        this.elements = elements;
        this.arena = arena;
        this.payload = payload;
    }

    /** Maps and validates {@code file}; throws {@link InvalidDataException} naming the file and the problem. */
    public static IdxFile open(Path file) {
        if (Files.isDirectory(file)) {
            throw new InvalidDataException(file, "is a directory, expected an IDX file");
        }
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new InvalidDataException(file, "no such file");
        } catch (IOException e) {
            throw new InvalidDataException(file, "cannot read (" + e.getMessage() + ")");
        }
        if (size < 4) {
            throw new InvalidDataException(file, "too short for an IDX header (" + size + " bytes)");
        }
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            IdxFile f = parse(file, all, size, arena);
            return f;
        } catch (AccessDeniedException e) {
            arena.close();
            throw new InvalidDataException(file, "permission denied");
        } catch (IOException e) {
            arena.close();
            throw new InvalidDataException(file, "cannot read (" + e.getMessage() + ")");
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static IdxFile parse(Path file, MemorySegment all, long size, Arena arena) {
        int z0 = all.get(ValueLayout.JAVA_BYTE, 0) & 0xFF;
        int z1 = all.get(ValueLayout.JAVA_BYTE, 1) & 0xFF;
        int code = all.get(ValueLayout.JAVA_BYTE, 2) & 0xFF;
        int nd = all.get(ValueLayout.JAVA_BYTE, 3) & 0xFF;
        if (z0 != 0 || z1 != 0) {
            throw new InvalidDataException(file, String.format(
                    "not an IDX file (magic starts 0x%02X 0x%02X, expected 0x00 0x00)", z0, z1));
        }
        Type type = Type.of(code);
        if (type == null) {
            throw new InvalidDataException(file, String.format("unknown IDX element type 0x%02X "
                    + "(expected 0x08 u8, 0x09 i8, 0x0B i16, 0x0C i32, 0x0D f32 or 0x0E f64)", code));
        }
        if (nd < 1 || nd > MAX_DIMS) {
            throw new InvalidDataException(file, "IDX header declares " + nd + " dimensions (expected 1.."
                    + MAX_DIMS + ")");
        }
        long header = 4L + 4L * nd;
        if (size < header) {
            throw new InvalidDataException(file, "truncated header: " + nd + " dimensions need " + header
                    + " bytes, the file has " + size);
        }
        int[] dims = new int[nd];
        long elements = 1;
        for (int i = 0; i < nd; i++) {
            int d = all.get(I32, 4 + 4L * i);
            if (d <= 0) {
                throw new InvalidDataException(file, "dimension " + i + " is " + Integer.toUnsignedString(d)
                        + " (must be 1..2147483647)");
            }
            dims[i] = d;
            try {
                elements = Math.multiplyExact(elements, d);
            } catch (ArithmeticException e) {
                throw new InvalidDataException(file, "dimensions " + shape(dims, i + 1) + " overflow");
            }
        }
        long payloadBytes;
        try {
            payloadBytes = Math.multiplyExact(elements, type.bytes);
        } catch (ArithmeticException e) {
            throw new InvalidDataException(file, "dimensions " + shape(dims, nd) + " overflow");
        }
        long have = size - header;
        if (payloadBytes != have) {
            throw new InvalidDataException(file, "dimensions " + shape(dims, nd) + " of " + type
                    + " need " + payloadBytes + " data bytes, the file has " + have
                    + (have < payloadBytes ? " (truncated)" : " (extra bytes)"));
        }
        return new IdxFile(file, type, dims, elements, arena, all.asSlice(header, payloadBytes));
    }

    private static String shape(int[] dims, int n) {
        return Arrays.stream(dims, 0, n).mapToObj(Integer::toString).collect(Collectors.joining("x"));
    }

    public Path path() {
        return path;
    }

    public Type type() {
        return type;
    }

    public int[] dims() {
        return dims.clone();
    }

    /** Items along the first dimension. */
    public int count() {
        return dims[0];
    }

    /** Elements per item (product of the remaining dimensions). */
    public int itemSize() {
        long n = elements / dims[0];
        if (n > Integer.MAX_VALUE) {
            throw new InvalidDataException(path, "items of " + n + " elements are too large");
        }
        return (int) n;
    }

    public long elements() {
        return elements;
    }

    /** The raw data (big-endian elements, row-major). */
    public MemorySegment payload() {
        return payload;
    }

    /** Element {@code i} (row-major) as a float. */
    public float getFloat(long i) {
        return switch (type) {
            case U8 -> payload.get(ValueLayout.JAVA_BYTE, i) & 0xFF;
            case I8 -> payload.get(ValueLayout.JAVA_BYTE, i);
            case I16 -> payload.get(I16, i * 2);
            case I32 -> payload.get(I32, i * 4);
            case F32 -> payload.get(F32, i * 4);
            case F64 -> (float) payload.get(F64, i * 8);
        };
    }

    /** Element {@code i} as an integer (for labels); fractional or out-of-range values are rejected. */
    public int getInt(long i) {
        return switch (type) {
            case U8 -> payload.get(ValueLayout.JAVA_BYTE, i) & 0xFF;
            case I8 -> payload.get(ValueLayout.JAVA_BYTE, i);
            case I16 -> payload.get(I16, i * 2);
            case I32 -> payload.get(I32, i * 4);
            case F32, F64 -> {
                double v = type == Type.F32 ? payload.get(F32, i * 4) : payload.get(F64, i * 8);
                if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
                    throw new InvalidDataException(path, "element " + i + " = " + v + " is not an integer label");
                }
                yield (int) v;
            }
        };
    }

    @Override
    public void close() {
        arena.close();
    }

    @Override
    public String toString() {
        return path.getFileName() + " (" + type + " " + shape(dims, dims.length) + ")";
    }
}
