package dev.vecprop.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The safetensors format: an 8-byte little-endian header length, a JSON header mapping tensor names
 * to {@code {dtype, shape, data_offsets}} (plus an optional {@code __metadata__} string map), then the
 * raw little-endian data. Reading checks every header field before allocating any tensor data: the
 * header length against the file size and {@link #MAX_HEADER} (no allocation proportional to a lying
 * header); the header as strict UTF-8 starting with '{' and padded only with spaces; the JSON
 * (duplicate keys rejected); {@code __metadata__} a string-to-string object; every tensor entry with
 * exactly the fields dtype (a supported dtype string), shape (non-negative integers) and data_offsets
 * ([begin, end] integers, begin &lt;= end, inside the data area, end - begin = elements x dtype size);
 * and that the tensors cover the data area contiguously, without overlaps, gaps or trailing bytes
 * (as the specification requires and the reference writer produces).
 * Writing is atomic and durable: temporary file in the same folder, fsync, rename, fsync the folder.
 *
 * <p>(A little over 500 lines: the reader checks every header field before it maps a byte, and the
 * writer mirrors those rules; one file keeps the two in step.)
 */
public final class Safetensors {
    private Safetensors() {}

    /** Largest header accepted (the reference implementation's limit, 100,000,000 bytes). */
    public static final long MAX_HEADER = 100_000_000L;

    /** The dtypes {@link #read} converts to float (F16, BF16 exactly; F64 rounded; integers if exact). */
    public static final List<String> READ_DTYPES = List.of("F32", "F16", "BF16", "F64", "I64", "I32", "I8");

    /** Every dtype of the specification (for telling "unknown" from "not supported"). */
    private static final Set<String> SPEC_DTYPES = Set.of("BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0",
            "F4", "F6_E2M3", "F6_E3M2", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64",
            "C64");

    private static final List<String> FIELDS = List.of("dtype", "shape", "data_offsets");

    /** Largest integer magnitude a float32 holds exactly. */
    private static final long FLOAT_EXACT = 1L << 24;

    /**
     * One tensor: its dtype in the file, its shape and its values converted to float.
     *
     * @param dtype the safetensors dtype, e.g. {@code F32}, {@code BF16}, {@code I64}; written files
     *              use only {@code F32}, {@code I64} and {@code I8} (quantized weights)
     * @param shape the dimensions, outermost first; empty for a scalar
     * @param data  the values in row-major order, {@link #numel()} of them (not copied)
     */
    public record Tensor(String dtype, long[] shape, float[] data) {
        /** {@return the number of elements, the product of the shape (1 for a scalar)} */
        public long numel() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    /**
     * A loaded file.
     *
     * @param tensors  the tensors by name, in the order of their data in the file
     * @param metadata the {@code __metadata__} string map, empty if the file has none
     */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

    private static int dtypeSize(String dtype) {
        return switch (dtype) {
            case "F32", "I32" -> 4;
            case "F64", "I64" -> 8;
            case "F16", "BF16", "I16" -> 2;
            case "U8", "I8", "BOOL" -> 1;
            default -> -1;
        };
    }

    private static String supported() {
        return String.join(", ", READ_DTYPES);
    }

    /** The JSON type of a parsed value, for messages. */
    private static String jsonType(Object v) {
        if (v == null) {
            return "null";
        } else if (v instanceof Map<?, ?>) {
            return "an object";
        } else if (v instanceof List<?>) {
            return "an array";
        } else if (v instanceof String) {
            return "a string";
        } else if (v instanceof Long) {
            return "the integer " + v;
        } else if (v instanceof Double) {
            return "the number " + v;
        } else {
            return String.valueOf(v);
        }
    }

    /**
     * Reads and validates a file; tensors of dtype F32, F16, BF16, F64, I64, I32, I8 are converted to
     * float (F64 values outside the float range and integers beyond 2^24, or (I8) a value outside -128..127 in magnitude, which float
     * cannot hold, are rejected). Every problem is a {@link CheckpointException} naming the file, the
     * field (and tensor) and what was expected.
     *
     * @param file the safetensors file
     * @return the file's tensors and metadata
     * @throws CheckpointException if the file is missing, unreadable or malformed, or holds a dtype or
     *                             value that cannot be converted
     */
    public static Contents read(Path file) {
        if (Files.isDirectory(file)) {
            throw new CheckpointException(file, "is a directory, expected a safetensors file");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new CheckpointException(file, "too short for a safetensors header (" + size
                        + " bytes, expected at least 8 for the header length)");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long hlen = lenBuf.getLong(0);
            long maxLen = Math.min(size - 8, MAX_HEADER);
            if (hlen < 2 || hlen > maxLen) {
                throw new CheckpointException(file, "header length " + Long.toUnsignedString(hlen)
                        + " (bytes 0-7, little-endian u64) does not fit: expected 2.." + maxLen + " (the file has "
                        + (size - 8) + " bytes after the length field; the limit is " + MAX_HEADER + ")");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) hlen);
            readFully(ch, hb, 8);
            String headerText = utf8(file, hb.array());
            if (headerText.charAt(0) != '{') {
                throw new CheckpointException(file, "header must start with '{' at byte 8, got "
                        + String.format("0x%02X", hb.get(0) & 0xFF));
            }
            int textEnd = headerText.length();
            while (textEnd > 0 && headerText.charAt(textEnd - 1) == ' ') {
                textEnd--;
            }
            if (headerText.charAt(textEnd - 1) != '}') {
                throw new CheckpointException(file, "header must end with '}' followed only by space (0x20) padding, got "
                        + String.format("U+%04X", (int) headerText.charAt(textEnd - 1)) + " before the padding");
            }
            Object parsed;
            try {
                parsed = Json.parse(headerText.substring(0, textEnd));
            } catch (MalformedJsonException e) {
                throw new CheckpointException(file, "header: " + e.getMessage() + " (expected strict JSON)");
            }
            if (!(parsed instanceof Map<?, ?> header)) {
                throw new CheckpointException(file, "header is not a JSON object");
            }
            long dataStart = 8 + hlen;
            long dataLen = size - dataStart;
            Map<String, String> meta = new LinkedHashMap<>();
            List<Entry> entries = new ArrayList<>();
            for (Map.Entry<?, ?> e : header.entrySet()) {
                String rawName = (String) e.getKey();
                if (rawName.equals("__metadata__")) {
                    if (!(e.getValue() instanceof Map<?, ?> mm)) {
                        throw new CheckpointException(file, "__metadata__ is " + jsonType(e.getValue())
                                + ", expected an object of string values");
                    }
                    for (Map.Entry<?, ?> me : mm.entrySet()) {
                        if (!(me.getValue() instanceof String sv)) {
                            throw new CheckpointException(file, "__metadata__ value of " + Json.printable(me.getKey())
                                    + " is " + Json.printable(jsonType(me.getValue())) + ", expected a string");
                        }
                        meta.put((String) me.getKey(), sv);
                    }
                    continue;
                }
                entries.add(entry(file, Json.printable(rawName), rawName, e.getValue(), dataLen));
            }
            List<Entry> sorted = new ArrayList<>(entries);
            sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
            long pos = 0;
            Entry prev = null;
            for (Entry en : sorted) {
                if (en.begin() < pos) {
                    throw new CheckpointException(file, "tensors " + Json.printable(prev.name()) + " and "
                            + Json.printable(en.name()) + " overlap: " + Json.printable(prev.name()) + " ends at data byte "
                            + pos + ", " + Json.printable(en.name()) + " begins at " + en.begin()
                            + " (expected each tensor to begin where the previous one ends)");
                }
                if (en.begin() > pos) {
                    throw new CheckpointException(file, "data bytes [" + pos + ", " + en.begin() + ") before tensor "
                            + Json.printable(en.name()) + " belong to no tensor (expected contiguous data_offsets)");
                }
                pos = en.end();
                prev = en;
            }
            if (pos != dataLen) {
                throw new CheckpointException(file, "the data area has " + dataLen + " bytes but the tensors' data_offsets end at "
                        + pos + ": " + (dataLen - pos) + " trailing bytes belong to no tensor (expected the tensors to cover "
                        + "the data area exactly)");
            }
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Entry en : entries) {
                int n = (int) (en.end() - en.begin());
                ByteBuffer data = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
                readFully(ch, data, dataStart + en.begin());
                tensors.put(en.name(), new Tensor(en.dtype(), en.shape(),
                        decode(file, Json.printable(en.name()), en.dtype(), data)));
            }
            return new Contents(tensors, meta);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file, "no such file");
        } catch (AccessDeniedException e) {
            throw new CheckpointException(file, "permission denied");
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot read (" + e.getMessage() + ")");
        }
    }

    /** Strict UTF-8 (a malformed byte is an error, never a replacement character). */
    private static String utf8(Path file, byte[] bytes) {
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult r = dec.decode(in, out, true);
        if (!r.isError()) {
            r = dec.flush(out);
        }
        if (r.isError()) {
            throw new CheckpointException(file, "header is not valid UTF-8 at byte " + (8 + in.position())
                    + String.format(" (0x%02X; expected UTF-8 JSON)", bytes[in.position()] & 0xFF));
        }
        return out.flip().toString();
    }

    /** One validated header entry; {@code name} is the raw name from the file. */
    private record Entry(String name, String dtype, long[] shape, long begin, long end) {}

    /** Validates one tensor entry: everything that can be checked without the other tensors. */
    private static Entry entry(Path file, String name, String rawName, Object value, long dataLen) {
        String t = "tensor " + name + ": ";
        if (!(value instanceof Map<?, ?> m)) {
            throw new CheckpointException(file, t + "entry is " + jsonType(value)
                    + ", expected an object {dtype, shape, data_offsets}");
        }
        for (Object k : m.keySet()) {
            if (!FIELDS.contains(k)) {
                throw new CheckpointException(file, t + "unexpected field " + Json.printable(k)
                        + " (expected exactly dtype, shape and data_offsets)");
            }
        }
        for (String f : FIELDS) {
            if (!m.containsKey(f)) {
                throw new CheckpointException(file, t + "missing field " + f
                        + " (expected exactly dtype, shape and data_offsets)");
            }
        }
        if (!(m.get("dtype") instanceof String dtype)) {
            throw new CheckpointException(file, t + "dtype is " + jsonType(m.get("dtype"))
                    + ", expected a string, one of " + supported());
        }
        if (!READ_DTYPES.contains(dtype)) {
            throw new CheckpointException(file, t + (SPEC_DTYPES.contains(dtype) ? "dtype " + dtype + " is not supported"
                    : "unknown dtype " + Json.printable(dtype)) + " (expected one of " + supported() + ")");
        }
        int es = dtypeSize(dtype);
        if (!(m.get("shape") instanceof List<?> sl)) {
            throw new CheckpointException(file, t + "shape is " + jsonType(m.get("shape"))
                    + ", expected an array of non-negative integers");
        }
        long[] shape = new long[sl.size()];
        for (int k = 0; k < shape.length; k++) {
            if (!(sl.get(k) instanceof Long d) || d < 0) {
                throw new CheckpointException(file, t + "shape entry " + k + " is " + Json.printable(jsonType(sl.get(k)))
                        + ", expected a non-negative integer");
            }
            shape[k] = d;
        }
        long numel = 1;
        for (long d : shape) {
            try {
                numel = Math.multiplyExact(numel, d);
            } catch (ArithmeticException ex) {
                throw new CheckpointException(file, t + "shape " + Json.printable(Arrays.toString(shape))
                        + " overflows: expected at most 2^63-1 elements");
            }
        }
        long want;
        try {
            want = Math.multiplyExact(numel, es);
        } catch (ArithmeticException ex) {
            throw new CheckpointException(file, t + "shape " + Json.printable(Arrays.toString(shape)) + " of " + dtype
                    + " overflows: expected at most 2^63-1 bytes");
        }
        if (numel > Integer.MAX_VALUE - 8) {
            throw new CheckpointException(file, t + "shape " + Json.printable(Arrays.toString(shape)) + " has " + numel
                    + " elements, expected at most " + (Integer.MAX_VALUE - 8));
        }
        if (!(m.get("data_offsets") instanceof List<?> ol) || ol.size() != 2
                || !(ol.get(0) instanceof Long b0) || !(ol.get(1) instanceof Long b1) || b0 < 0 || b1 < 0) {
            throw new CheckpointException(file, t + "data_offsets is " + Json.printable(m.get("data_offsets"))
                    + ", expected [begin, end] of two non-negative integers");
        }
        if (b1 < b0) {
            throw new CheckpointException(file, t + "data_offsets [" + b0 + ", " + b1 + "] end before they begin"
                    + " (expected begin <= end)");
        }
        if (b1 > dataLen) {
            throw new CheckpointException(file, t + "data_offsets [" + b0 + ", " + b1 + "] outside the data ("
                    + dataLen + " bytes; expected end <= " + dataLen + ")");
        }
        if (b1 - b0 != want) {
            throw new CheckpointException(file, t + "shape " + Arrays.toString(shape) + " of " + dtype + " needs "
                    + want + " bytes, data_offsets [" + b0 + ", " + b1 + "] give " + (b1 - b0)
                    + " (expected end - begin = elements x " + es + ")");
        }
        return new Entry(rawName, dtype, shape, b0, b1);
    }

    /** Converts little-endian values of {@code dtype} to float, rejecting values float cannot hold. */
    private static float[] decode(Path file, String name, String dtype, ByteBuffer b) {
        int es = dtypeSize(dtype);
        int n = b.capacity() / es;
        float[] out = new float[n];
        for (int k = 0; k < n; k++) {
            out[k] = switch (dtype) {
                case "F32" -> b.getFloat(4 * k);
                case "F64" -> {
                    double v = b.getDouble(8 * k);
                    if (Double.isFinite(v) && Math.abs(v) > Float.MAX_VALUE) {
                        throw new CheckpointException(file, "tensor " + name + ": F64 element " + k + " = " + v
                                + " is outside the float32 range (expected |value| <= " + Float.MAX_VALUE + ")");
                    }
                    yield (float) v;
                }
                case "I64" -> exact(file, name, dtype, k, b.getLong(8 * k));
                case "I32" -> exact(file, name, dtype, k, b.getInt(4 * k));
                case "I8" -> b.get(k);
                case "F16" -> Float.float16ToFloat(b.getShort(2 * k));
                case "BF16" -> Float.intBitsToFloat((b.getShort(2 * k) & 0xFFFF) << 16);
                default -> throw new IllegalStateException(dtype);
            };
        }
        return out;
    }

    private static float exact(Path file, String name, String dtype, int k, long v) {
        if (v > FLOAT_EXACT || v < -FLOAT_EXACT) {
            throw new CheckpointException(file, "tensor " + name + ": " + dtype + " element " + k + " = " + v
                    + " is not exactly representable as float32 (expected |value| <= " + FLOAT_EXACT + ")");
        }
        return v;
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b, pos + b.position());
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    /**
     * Writes tensors (F32; I64 for integer-valued buffers; I8 for quantized weights) and metadata atomically: the previous
     * file at {@code file}, if any, stays intact until the new one is complete and synced. Missing
     * parent folders are created.
     *
     * @param file     the file to (re)place
     * @param tensors  the tensors by name, written in iteration order
     * @param metadata string pairs stored as {@code __metadata__} (omitted when empty)
     * @throws dev.vecprop.ConfigException if a tensor is not F32, I64 or I8, is named {@code __metadata__},
     *                                  has a negative dimension or a data length other than its
     *                                  shape's, or (I64) holds a non-integer or a value beyond 2^24, or (I8) a
     *                                  value outside -128..127
     * @throws CheckpointWriteException if the file cannot be written
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        dev.vecprop.internal.Require.notNull(file, "Safetensors.write: the file");
        dev.vecprop.internal.Require.notNull(tensors, "Safetensors.write: the tensors");
        dev.vecprop.internal.Require.notNull(metadata, "Safetensors.write: the metadata (Map.of() for none)");
        Json.ObjectWriter h = Json.object();
        if (!metadata.isEmpty()) {
            Json.ObjectWriter m = Json.object();
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                m.put(e.getKey(), e.getValue());
            }
            h.put("__metadata__", m);
        }
        long off = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            if (!t.dtype().equals("F32") && !t.dtype().equals("I64") && !t.dtype().equals("I8")) {
                throw new dev.vecprop.ConfigException("can only write F32, I64 and I8 tensors, got " + t.dtype());
            }
            if (e.getKey().equals("__metadata__")) {
                throw new dev.vecprop.ConfigException("a tensor cannot be named __metadata__");
            }
            for (long d : t.shape()) {
                if (d < 0) {
                    throw new dev.vecprop.ConfigException("tensor " + e.getKey() + " has a negative dimension "
                            + Arrays.toString(t.shape()));
                }
            }
            if (t.data().length != t.numel()) {
                throw new dev.vecprop.ConfigException("tensor " + e.getKey() + " of shape " + Arrays.toString(t.shape())
                        + " holds " + t.data().length + " values, expected " + t.numel());
            }
            if (t.dtype().equals("I64")) {
                for (float v : t.data()) {
                    if (v != Math.rint(v) || Math.abs(v) > FLOAT_EXACT) {
                        throw new dev.vecprop.ConfigException("I64 tensor " + e.getKey() + " holds " + v
                                + ", expected integers within +-" + FLOAT_EXACT);
                    }
                }
            }
            if (t.dtype().equals("I8")) {
                for (float v : t.data()) {
                    if (v != Math.rint(v) || v < -128 || v > 127) {
                        throw new dev.vecprop.ConfigException("I8 tensor " + e.getKey() + " holds " + v
                                + ", expected integers in -128..127");
                    }
                }
            }
            long bytes = t.numel() * dtypeSize(t.dtype());
            Json.ArrayWriter shape = Json.array();
            for (long d : t.shape()) {
                shape.add(d);
            }
            h.put(e.getKey(), Json.object().put("dtype", t.dtype()).put("shape", shape)
                    .put("data_offsets", Json.array().add(off).add(off + bytes)));
            off += bytes;
        }
        byte[] hb = h.toString().getBytes(StandardCharsets.UTF_8);
        int pad = (8 - hb.length % 8) % 8;
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
            try {
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system: keep the default
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer head = ByteBuffer.allocate(8 + hb.length + pad).order(ByteOrder.LITTLE_ENDIAN);
                head.putLong(hb.length + pad).put(hb);
                for (int k = 0; k < pad; k++) {
                    head.put((byte) ' ');
                }
                head.flip();
                writeFully(ch, head);
                ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
                for (Tensor t : tensors.values()) {
                    for (float v : t.data()) {
                        if (buf.remaining() < 8) {
                            buf.flip();
                            writeFully(ch, buf);
                            buf.clear();
                        }
                        if (t.dtype().equals("I64")) {
                            buf.putLong((long) v);
                        } else if (t.dtype().equals("I8")) {
                            buf.put((byte) v);
                        } else {
                            buf.putFloat(v);
                        }
                    }
                }
                buf.flip();
                writeFully(ch, buf);
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException ignored) {
                // some file systems cannot sync a directory; the rename is still atomic
            }
        } catch (IOException e) {
            throw new CheckpointWriteException(file, "cannot write (" + e.getMessage() + "); the previous file, if any, is intact");
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}
