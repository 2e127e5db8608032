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
import java.util.EnumSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * An IDX file (the MNIST format) mapped into memory, validated before use. The file is never
 * copied onto the heap: elements are read from the mapping.
 *
 * <p>Format: two zero bytes, a type code (0x08 u8, 0x09 i8, 0x0B i16, 0x0C i32, 0x0D f32, 0x0E f64),
 * the number of dimensions, then each dimension as a big-endian 32-bit integer, then the data,
 * big-endian, row-major. {@link #open} checks every header field before anything is read: the magic
 * (a gzip file is named as such), the type code, 1..8 dimensions, each dimension in 1..2^31-1
 * (a file with no items is rejected), that the dimensions multiply without overflow to items of at
 * most 2^31-1 elements, and that the data is exactly as long as they say (neither truncated nor
 * followed by extra bytes). What the caller will interpret the elements as is checked with
 * {@link #expectImages()}, {@link #expectLabels()} or {@link #requireType(String, Type...)}
 * ({@link #openImages(Path)} and {@link #openLabels(Path)} open and check in one step).
 */
public final class IdxFile implements AutoCloseable {

    /** IDX element types. */
    public enum Type {
        /** Unsigned bytes, type code 0x08 (the type of images). */
        U8(0x08, 1, "unsigned bytes"),
        /** Signed bytes, type code 0x09. */
        I8(0x09, 1, "signed bytes"),
        /** Big-endian 16-bit signed integers, type code 0x0B. */
        I16(0x0B, 2, "int16"),
        /** Big-endian 32-bit signed integers, type code 0x0C. */
        I32(0x0C, 4, "int32"),
        /** Big-endian IEEE 754 single-precision floats, type code 0x0D. */
        F32(0x0D, 4, "float32"),
        /** Big-endian IEEE 754 double-precision floats, type code 0x0E. */
        F64(0x0E, 8, "float64");

        final int code;
        final int bytes;
        private final String description;

        Type(int code, int bytes, String description) {
            this.code = code;
            this.bytes = bytes;
            this.description = description;
        }

        /** {@return the size of one element in bytes: 1, 2, 4 or 8} */
        public int bytes() {
            return bytes;
        }

        /** {@return the IDX type code (byte 2 of the file), e.g. {@code 0x08}} */
        public int code() {
            return code;
        }

        /** {@return what the elements are, for messages: "unsigned bytes", "int16", "float32"...} */
        public String description() {
            return description;
        }

        /** {@return true for the integer types (u8, i8, i16, i32), false for f32 and f64} */
        public boolean isInteger() {
            return this != F32 && this != F64;
        }

        /** "float32 (0x0D)". */
        String describe() {
            return String.format("%s (0x%02X)", description, code);
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
    private final int itemSize;
    private final Arena arena;
    private final MemorySegment payload;

    private IdxFile(Path path, Type type, int[] dims, long elements, Arena arena, MemorySegment payload) {
        this.path = path;
        this.type = type;
        this.dims = dims;
        this.elements = elements;
        this.itemSize = (int) (elements / dims[0]);
        this.arena = arena;
        this.payload = payload;
    }

    /**
     * Maps {@code file} read-only and validates its header and length (see the class comment); the
     * element type is not checked here.
     *
     * @param file the raw (not gzipped) IDX file
     * @return the mapped file; {@link #close()} releases the mapping
     * @throws InvalidDataException naming the file and the problem, if it is missing, unreadable,
     *                              a directory, gzipped, or its header or length is invalid
     */
    public static IdxFile open(Path file) {
        if (Files.isDirectory(file)) {
            throw new InvalidDataException(file, "is a directory, expected an IDX file");
        }
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 4) {
                throw new InvalidDataException(file, "too short for an IDX header (" + size
                        + " bytes, expected at least 4: magic 0x00 0x00, type code, number of dimensions)");
            }
            MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return parse(file, all, size, arena);
        } catch (NoSuchFileException e) {
            arena.close();
            throw new InvalidDataException(file, "no such file");
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

    /**
     * Opens an image file: {@link #open} then {@link #expectImages()}; the file is closed again if
     * the check fails.
     *
     * @param file the raw IDX image file
     * @return the mapped file, holding unsigned bytes in at least 2 dimensions
     * @throws InvalidDataException if the file is invalid or does not hold images
     */
    public static IdxFile openImages(Path file) {
        return checked(open(file), IdxFile::expectImages);
    }

    /**
     * Opens a label file: {@link #open} then {@link #expectLabels()}; the file is closed again if
     * the check fails.
     *
     * @param file the raw IDX label file
     * @return the mapped file, holding integers in 1 dimension
     * @throws InvalidDataException if the file is invalid or does not hold labels
     */
    public static IdxFile openLabels(Path file) {
        return checked(open(file), IdxFile::expectLabels);
    }

    private static IdxFile checked(IdxFile f, Consumer<IdxFile> check) {
        try {
            check.accept(f);
            return f;
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    /**
     * Checks that this file holds images: unsigned bytes (type 0x08, the pixels the data pipeline
     * scales by 1/255) in at least 2 dimensions (count, then the pixels of one image). Otherwise
     * throws {@link InvalidDataException}, e.g. "FILE: images must be unsigned bytes (IDX type
     * 0x08), got float32 (0x0D)".
     *
     * @return this file
     * @throws InvalidDataException if the type or the number of dimensions does not fit
     */
    public IdxFile expectImages() {
        requireType("images", Type.U8);
        if (dims.length < 2) {
            throw new InvalidDataException(path, "images must have at least 2 dimensions (count, then pixels), got "
                    + dims.length + " (dimensions " + shape(dims, dims.length) + ")");
        }
        return this;
    }

    /**
     * Checks that this file holds labels: an integer type (0x08 u8, 0x09 i8, 0x0B i16 or 0x0C i32)
     * in exactly 1 dimension (one label per item). Otherwise throws {@link InvalidDataException},
     * e.g. "FILE: labels must be integers (IDX type 0x08, 0x09, 0x0B or 0x0C), got float32 (0x0D)".
     *
     * @return this file
     * @throws InvalidDataException if the type or the number of dimensions does not fit
     */
    public IdxFile expectLabels() {
        requireType("labels", Type.U8, Type.I8, Type.I16, Type.I32);
        if (dims.length != 1) {
            throw new InvalidDataException(path, "labels must have 1 dimension (one label per item), got "
                    + dims.length + " (dimensions " + shape(dims, dims.length) + ")");
        }
        return this;
    }

    /**
     * Checks that the element type is one of {@code allowed}.
     *
     * @param role    what the caller reads the file as, for the message: "images", "labels"...
     * @param allowed the accepted element types, at least one
     * @return this file
     * @throws InvalidDataException if the type is not allowed, e.g. "FILE: images must be unsigned
     *                              bytes (IDX type 0x08), got float32 (0x0D)"
     * @throws dev.vecprop.ConfigException if {@code allowed} is empty
     */
    public IdxFile requireType(String role, Type... allowed) {
        if (allowed.length == 0) {
            throw new dev.vecprop.ConfigException("requireType needs at least one allowed type");
        }
        for (Type t : allowed) {
            if (t == type) {
                return this;
            }
        }
        String want;
        if (allowed.length == 1) {
            want = String.format("%s (IDX type 0x%02X)", allowed[0].description, allowed[0].code);
        } else if (EnumSet.copyOf(Arrays.asList(allowed)).equals(EnumSet.of(Type.U8, Type.I8, Type.I16, Type.I32))) {
            want = "integers (IDX type " + codes(allowed) + ")";
        } else {
            want = join(Arrays.stream(allowed).map(Type::describe).toArray(String[]::new));
        }
        throw new InvalidDataException(path, role + " must be " + want + ", got " + type.describe());
    }

    private static String codes(Type[] types) {
        return join(Arrays.stream(types).map(t -> String.format("0x%02X", t.code)).toArray(String[]::new));
    }

    /** "a", "a or b", "a, b or c". */
    private static String join(String[] parts) {
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < parts.length; k++) {
            b.append(k == 0 ? "" : k == parts.length - 1 ? " or " : ", ").append(parts[k]);
        }
        return b.toString();
    }

    private static IdxFile parse(Path file, MemorySegment all, long size, Arena arena) {
        int z0 = all.get(ValueLayout.JAVA_BYTE, 0) & 0xFF;
        int z1 = all.get(ValueLayout.JAVA_BYTE, 1) & 0xFF;
        int code = all.get(ValueLayout.JAVA_BYTE, 2) & 0xFF;
        int nd = all.get(ValueLayout.JAVA_BYTE, 3) & 0xFF;
        if (z0 == 0x1F && z1 == 0x8B) {
            throw new InvalidDataException(file, "is gzip-compressed (magic bytes 0-1 are 0x1F 0x8B), expected a raw "
                    + "IDX file starting 0x00 0x00: decompress it first (gunzip), or pass the folder as --data");
        }
        if (z0 != 0 || z1 != 0) {
            throw new InvalidDataException(file, String.format(
                    "not an IDX file (magic bytes 0-1 are 0x%02X 0x%02X, expected 0x00 0x00)", z0, z1));
        }
        Type type = Type.of(code);
        if (type == null) {
            throw new InvalidDataException(file, String.format("unknown IDX element type 0x%02X in byte 2 (type code, "
                    + "expected 0x08 u8, 0x09 i8, 0x0B i16, 0x0C i32, 0x0D f32 or 0x0E f64)", code));
        }
        if (nd < 1 || nd > MAX_DIMS) {
            throw new InvalidDataException(file, "byte 3 (number of dimensions) declares " + nd
                    + " dimensions, expected 1.." + MAX_DIMS);
        }
        long header = 4L + 4L * nd;
        if (size < header) {
            throw new InvalidDataException(file, "truncated header: byte 3 declares " + nd + " dimensions, which need "
                    + header + " header bytes (expected at least that many), the file has " + size);
        }
        int[] dims = new int[nd];
        long elements = 1;
        for (int i = 0; i < nd; i++) {
            int d = all.get(I32, 4 + 4L * i);
            if (d <= 0) {
                String why = d != 0 ? "" : i == 0 ? "; a file with no items is not accepted"
                        : "; items with no elements are not accepted";
                throw new InvalidDataException(file, "dimension " + i + " (bytes " + (4 + 4 * i) + "-" + (7 + 4 * i)
                        + ") is " + Integer.toUnsignedString(d) + ", expected 1..2147483647" + why);
            }
            dims[i] = d;
            try {
                elements = Math.multiplyExact(elements, d);
            } catch (ArithmeticException e) {
                throw new InvalidDataException(file, "dimensions " + shape(dims, i + 1)
                        + " overflow: expected at most 2^63-1 elements");
            }
        }
        long perItem = elements / dims[0];
        if (perItem > Integer.MAX_VALUE) {
            throw new InvalidDataException(file, "dimensions " + shape(dims, nd) + " give items of " + perItem
                    + " elements, expected at most 2147483647");
        }
        long payloadBytes;
        try {
            payloadBytes = Math.multiplyExact(elements, type.bytes);
        } catch (ArithmeticException e) {
            throw new InvalidDataException(file, "dimensions " + shape(dims, nd) + " of " + type.description
                    + " overflow: expected at most 2^63-1 data bytes");
        }
        long have = size - header;
        if (payloadBytes != have) {
            throw new InvalidDataException(file, "dimensions " + shape(dims, nd) + " of " + type.description
                    + " (" + type.bytes + " byte" + (type.bytes == 1 ? "" : "s")
                    + " each) need exactly " + payloadBytes + " data bytes after the " + header + "-byte header, the file has "
                    + have + (have < payloadBytes ? " (truncated)" : " (" + (have - payloadBytes) + " extra byte" + (have - payloadBytes == 1 ? ")" : "s)")));
        }
        return new IdxFile(file, type, dims, elements, arena, all.asSlice(header, payloadBytes));
    }

    private static String shape(int[] dims, int n) {
        return Arrays.stream(dims, 0, n).mapToObj(Integer::toString).collect(Collectors.joining("x"));
    }

    /** {@return the path the file was opened from} */
    public Path path() {
        return path;
    }

    /** {@return the element type} */
    public Type type() {
        return type;
    }

    /** {@return the dimensions, outermost (the item count) first; a copy} */
    public int[] dims() {
        return dims.clone();
    }

    /** {@return the number of items: the first dimension} */
    public int count() {
        return dims[0];
    }

    /** {@return elements per item: the product of the dimensions after the first (checked at open to fit an int)} */
    public int itemSize() {
        return itemSize;
    }

    /** {@return the number of elements in the file: the product of all dimensions} */
    public long elements() {
        return elements;
    }

    /**
     * {@return the data after the header: {@link #elements()} big-endian elements of {@link #type()},
     * row-major} The segment is read-only and valid until {@link #close()}.
     */
    public MemorySegment payload() {
        return payload;
    }

    /**
     * Reads one element as a float (unsigned for {@link Type#U8}; f64 is rounded to float).
     *
     * @param i the element's row-major index, in {@code 0..elements()-1}
     * @return its value
     * @throws IndexOutOfBoundsException if {@code i} is out of range
     */
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

    /**
     * Reads one element as an integer, e.g. a label (unsigned for {@link Type#U8}).
     *
     * @param i the element's row-major index, in {@code 0..elements()-1}
     * @return its value
     * @throws InvalidDataException if a float element is fractional or outside the int range
     * @throws IndexOutOfBoundsException if {@code i} is out of range
     */
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
