package dev.vecprop.plot;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a file's contents so that a reader sees either the old or the new file, never a half
 * written one: the text goes to a hidden temporary file in the same folder, which is then renamed
 * over the target (an atomic move where the file system supports it, else a plain replace).
 */
final class AtomicWrite {
    private AtomicWrite() {
    }

    /** Writes {@code text} as UTF-8 to {@code file}; on failure no temporary file is left behind. */
    static void write(Path file, String text) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        if (dir == null || target.getFileName() == null) {
            throw new IOException(file + ": not a file path");
        }
        if (!Files.isDirectory(dir)) {
            throw new IOException(file + ": the folder " + dir + " does not exist");
        }
        if (Files.isDirectory(target)) {
            throw new IOException(file + " is a folder, not a file");
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        Path tmp = null;
        try {
            FileChannel ch = null;
            for (int attempt = 0; ch == null; attempt++) {
                // Created with the default permissions (Files.createTempFile would make it owner-only).
                tmp = dir.resolve("." + target.getFileName() + "." + Long.toHexString(System.nanoTime() + attempt) + ".tmp");
                try {
                    ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                } catch (FileAlreadyExistsException e) {
                    tmp = null;
                    if (attempt >= 100) {
                        throw e;
                    }
                }
            }
            try (FileChannel c = ch) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    c.write(buf);
                }
                c.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort; the original failure is the one to report
                }
            }
        }
    }
}
