package dev.vecprop.cli;

import dev.vecprop.data.InvalidDataException;
import dev.vecprop.data.TextCorpus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Makes the {@code fortunes} text corpus present under a data root ({@code data/fortunes}): copied
 * from the installed Debian package {@code fortunes} ({@code /usr/share/games/fortunes}) when it is
 * there, else fetched with {@code apt-get download fortunes} and unpacked with {@code dpkg-deb -x},
 * as Fashion-MNIST is ({@link DatasetFetcher}); every file is checked against its SHA-256
 * ({@link TextCorpus#FORTUNES_SHA256}) before it is moved into place.
 */
final class CorpusFetcher {
    private CorpusFetcher() {}

    static final String NAME = "fortunes";
    private static final Path INSTALLED = Path.of("/usr/share/games/fortunes");
    private static final String IN_DEB = "usr/share/games/fortunes";

    /** The corpus files in name order, fetching them into {@code root/fortunes} first when missing. */
    static List<Path> ensure(Path root) {
        Path dir = root.resolve(NAME);
        Map<String, String> want = TextCorpus.FORTUNES_SHA256;
        if (!want.keySet().stream().allMatch(n -> Files.isRegularFile(dir.resolve(n)))) {
            fetch(dir);
        }
        List<Path> files = new ArrayList<>();
        for (Map.Entry<String, String> e : want.entrySet()) {
            Path f = dir.resolve(e.getKey());
            String got = DatasetFetcher.sha256(f);
            if (!got.equals(e.getValue())) {
                throw new InvalidDataException(f + ": SHA-256 " + got + ", expected " + e.getValue()
                        + " (delete " + dir + " to fetch it again)");
            }
            files.add(f);
        }
        return files;
    }

    private static void fetch(Path dir) {
        try {
            Files.createDirectories(dir);
            if (Files.isDirectory(INSTALLED) && copyVerified(INSTALLED, dir, false)) {
                return;
            }
            Path tmp = Files.createTempDirectory(dir, ".fetch-");
            try {
                run(tmp, 600, "apt-get", "download", "fortunes");
                Path deb;
                try (var s = Files.list(tmp)) {
                    deb = s.filter(p -> p.getFileName().toString().endsWith(".deb")).findFirst()
                            .orElseThrow(() -> unavailable("apt-get download fortunes produced no .deb"));
                }
                run(tmp, 300, "dpkg-deb", "-x", deb.toString(), tmp.resolve("x").toString());
                copyVerified(tmp.resolve("x").resolve(IN_DEB), dir, true);
            } finally {
                deleteTree(tmp);
            }
        } catch (IOException e) {
            throw unavailable(e.getMessage());
        }
    }

    private static InvalidDataException unavailable(String problem) {
        return new InvalidDataException("the fortunes corpus (the Debian package fortunes) could not be fetched: " + problem);
    }

    /** Copies each wanted file whose hash matches; false (or an error when {@code strict}) if one is missing or differs. */
    private static boolean copyVerified(Path from, Path dir, boolean strict) throws IOException {
        for (Map.Entry<String, String> e : TextCorpus.FORTUNES_SHA256.entrySet()) {
            Path src = from.resolve(e.getKey());
            if (!Files.isRegularFile(src) || !DatasetFetcher.sha256(src).equals(e.getValue())) {
                if (strict) {
                    throw unavailable(src + " is missing or has another SHA-256 than expected");
                }
                return false;
            }
        }
        for (String n : TextCorpus.FORTUNES_SHA256.keySet()) {
            Path part = dir.resolve(n + ".part");
            Files.copy(from.resolve(n), part, StandardCopyOption.REPLACE_EXISTING);
            Files.move(part, dir.resolve(n), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        return true;
    }

    private static void run(Path cwd, int seconds, String... cmd) {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw unavailable(cmd[0] + " timed out after " + seconds + " s");
            }
            if (p.exitValue() != 0) {
                String last = new String(out, StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank())
                        .reduce((a, b) -> b).orElse("exit code " + p.exitValue());
                throw unavailable(String.join(" ", cmd) + " failed: " + last.trim());
            }
        } catch (IOException e) {
            throw unavailable(cmd[0] + " is not available (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted");
        }
    }

    private static void deleteTree(Path p) {
        try (var s = Files.walk(p)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(q -> q.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a leftover temporary folder is harmless
        }
    }
}
