package dev.vecprop.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format: an 8-byte little-endian header length, a JSON header mapping tensor names
 * to {@code {dtype, shape, data_offsets}} (plus an optional {@code __metadata__} string map), then the
 * raw little-endian data. Reading validates everything before allocating data: the header length
 * against the file size (no allocation proportional to a lying header), the JSON, dtypes, shapes,
 * offsets in range, non-overlapping, and consistent with shape x dtype size.
 * Writing is atomic and durable: temporary file in the same folder, fsync, rename, fsync the folder.
 */
public final class Safetensors {
    private Safetensors() {}

    /** Largest header accepted (the reference implementation's limit). */
    public static final long MAX_HEADER = 100L << 20;

    /** One tensor: dtype ({@code F32}, {@code F64}, {@code I64}...), shape, and values as doubles-convertible floats. */
    public record Tensor(String dtype, long[] shape, float[] data) {
        public long numel() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    /** A loaded file: tensors in file order and the metadata map. */
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

    /** Reads and validates a file; tensors of dtype F32, F64, F16, BF16, I64, I32 are converted to float. */
    public static Contents read(Path file) {
        if (Files.isDirectory(file)) {
            throw new CheckpointException(file, "is a directory, expected a safetensors file");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new CheckpointException(file, "too short for a safetensors header (" + size + " bytes)");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long hlen = lenBuf.getLong(0);
            if (hlen < 2 || hlen > size - 8 || hlen > MAX_HEADER) {
                throw new CheckpointException(file, "header length " + Long.toUnsignedString(hlen)
                        + " does not fit a file of " + size + " bytes (max " + MAX_HEADER + ")");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) hlen);
            readFully(ch, hb, 8);
            String headerText = new String(hb.array(), StandardCharsets.UTF_8);
            Object parsed;
            try {
                parsed = Json.parse(headerText);
            } catch (IllegalArgumentException e) {
                throw new CheckpointException(file, "header: " + e.getMessage());
            }
            if (!(parsed instanceof Map<?, ?> header)) {
                throw new CheckpointException(file, "header is not a JSON object");
            }
            long dataStart = 8 + hlen;
            long dataLen = size - dataStart;
            Map<String, String> meta = new LinkedHashMap<>();
            record Entry(String name, String dtype, long[] shape, long begin, long end) {}
            List<Entry> entries = new ArrayList<>();
            for (Map.Entry<?, ?> e : header.entrySet()) {
                String rawName = (String) e.getKey();
                String name = Json.printable(rawName);
                if (name.equals("__metadata__")) {
                    if (!(e.getValue() instanceof Map<?, ?> mm)) {
                        throw new CheckpointException(file, "__metadata__ is not an object");
                    }
                    for (Map.Entry<?, ?> me : mm.entrySet()) {
                        if (!(me.getValue() instanceof String sv)) {
                            throw new CheckpointException(file, "__metadata__ value of " + Json.printable(me.getKey()) + " is not a string");
                        }
                        meta.put((String) me.getKey(), sv);
                    }
                    continue;
                }
                if (!(e.getValue() instanceof Map<?, ?> t)) {
                    throw new CheckpointException(file, "tensor " + name + ": entry is not an object");
                }
                if (!(t.get("dtype") instanceof String dtype)) {
                    throw new CheckpointException(file, "tensor " + name + ": missing dtype");
                }
                int es = dtypeSize(dtype);
                if (es < 0) {
                    throw new CheckpointException(file, "tensor " + name + ": unknown dtype " + Json.printable(dtype));
                }
                if (!(t.get("shape") instanceof List<?> sl)) {
                    throw new CheckpointException(file, "tensor " + name + ": missing shape");
                }
                long[] shape = new long[sl.size()];
                long numel = 1;
                for (int k = 0; k < shape.length; k++) {
                    if (!(sl.get(k) instanceof Long d) || d < 0) {
                        throw new CheckpointException(file, "tensor " + name + ": bad shape " + Json.printable(sl));
                    }
                    shape[k] = d;
                    try {
                        numel = Math.multiplyExact(numel, d);
                    } catch (ArithmeticException ex) {
                        throw new CheckpointException(file, "tensor " + name + ": shape " + Json.printable(sl) + " overflows");
                    }
                }
                if (!(t.get("data_offsets") instanceof List<?> ol) || ol.size() != 2
                        || !(ol.get(0) instanceof Long b0) || !(ol.get(1) instanceof Long b1)) {
                    throw new CheckpointException(file, "tensor " + name + ": missing or bad data_offsets");
                }
                if (b0 < 0 || b1 < b0 || b1 > dataLen) {
                    throw new CheckpointException(file, "tensor " + name + ": data_offsets [" + b0 + ", " + b1
                            + "] outside the data (" + dataLen + " bytes)");
                }
                long want;
                try {
                    want = Math.multiplyExact(numel, es);
                } catch (ArithmeticException ex) {
                    throw new CheckpointException(file, "tensor " + name + ": size overflows");
                }
                if (b1 - b0 != want) {
                    throw new CheckpointException(file, "tensor " + name + ": shape " + Arrays.toString(shape) + " of "
                            + dtype + " needs " + want + " bytes, data_offsets give " + (b1 - b0));
                }
                if (!dtype.equals("F32") && !dtype.equals("F64") && !dtype.equals("F16") && !dtype.equals("BF16")
                        && !dtype.equals("I64") && !dtype.equals("I32")) {
                    throw new CheckpointException(file, "tensor " + name + ": unsupported dtype " + Json.printable(dtype));
                }
                if (numel > Integer.MAX_VALUE - 8) {
                    throw new CheckpointException(file, "tensor " + name + ": too large (" + numel + " elements)");
                }
                entries.add(new Entry(rawName, dtype, shape, b0, b1));
            }
            List<Entry> sorted = new ArrayList<>(entries);
            sorted.sort((a, b) -> Long.compare(a.begin(), b.begin()));
            for (int k = 1; k < sorted.size(); k++) {
                if (sorted.get(k).begin() < sorted.get(k - 1).end()) {
                    throw new CheckpointException(file, "tensors " + Json.printable(sorted.get(k - 1).name()) + " and "
                            + Json.printable(sorted.get(k).name()) + " overlap");
                }
            }
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Entry en : entries) {
                int n = (int) (en.end() - en.begin());
                ByteBuffer data = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
                readFully(ch, data, dataStart + en.begin());
                tensors.put(en.name(), new Tensor(en.dtype(), en.shape(), decode(en.dtype(), data)));
            }
            return new Contents(tensors, meta);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file, "no such file");
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot read (" + e.getMessage() + ")");
        }
    }

    private static float[] decode(String dtype, ByteBuffer b) {
        int es = dtypeSize(dtype);
        int n = b.capacity() / es;
        float[] out = new float[n];
        for (int k = 0; k < n; k++) {
            out[k] = switch (dtype) {
                case "F32" -> b.getFloat(4 * k);
                case "F64" -> (float) b.getDouble(8 * k);
                case "I64" -> (float) b.getLong(8 * k);
                case "I32" -> (float) b.getInt(4 * k);
                case "F16" -> Float.float16ToFloat(b.getShort(2 * k));
                case "BF16" -> Float.intBitsToFloat((b.getShort(2 * k) & 0xFFFF) << 16);
                default -> throw new IllegalStateException(dtype);
            };
        }
        return out;
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
     * Writes tensors (F32, or I64 for integer-valued buffers) and metadata atomically: the previous
     * file at {@code file}, if any, stays intact until the new one is complete and synced.
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        StringBuilder h = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            h.append("\"__metadata__\":{");
            boolean first = true;
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                h.append(first ? "" : ",").append(Json.quote(e.getKey())).append(':').append(Json.quote(e.getValue()));
                first = false;
            }
            h.append('}');
        }
        long off = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            if (!t.dtype().equals("F32") && !t.dtype().equals("I64")) {
                throw new IllegalArgumentException("can only write F32 and I64 tensors, got " + t.dtype());
            }
            long bytes = t.numel() * dtypeSize(t.dtype());
            h.append(h.length() > 1 ? "," : "").append(Json.quote(e.getKey())).append(":{\"dtype\":\"")
                    .append(t.dtype()).append("\",\"shape\":").append(Arrays.toString(t.shape()).replace(" ", ""))
                    .append(",\"data_offsets\":[").append(off).append(',').append(off + bytes).append("]}");
            off += bytes;
        }
        h.append('}');
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
