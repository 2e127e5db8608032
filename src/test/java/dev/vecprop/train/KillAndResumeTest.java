package dev.vecprop.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crashes lose nothing: a training process that checkpoints every few steps is killed with
 * SIGKILL at random moments; after every kill the checkpoint on disk must load, and resuming from
 * it (again and again) must end with exactly the weights of an uninterrupted run.
 */
class KillAndResumeTest {
    @TempDir
    Path dir;

    private List<String> command(Path data, Path save, boolean resume) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> c = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), "dev.vecprop.cli.Main", "train",
                "--data", data.toString(), "--arch", "64-256-256-4", "--epochs", "3", "--batch", "4",
                "--threads", "1", "--seed", "9", "--dropout", "0.1", "--no-progress", "--save", save.toString(),
                "--checkpoint-every", "3"));
        if (resume) {
            c.addAll(List.of("--resume", save.toString()));
        }
        return c;
    }

    private static int run(List<String> cmd, long killAfterMillis) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (killAfterMillis > 0 && !p.waitFor(killAfterMillis, TimeUnit.MILLISECONDS)) {
            p.destroyForcibly(); // SIGKILL on Linux
            p.waitFor();
            return -9;
        }
        p.waitFor(300, TimeUnit.SECONDS);
        return p.exitValue();
    }

    private static float[] weights(Path ck) {
        return Checkpoint.load(ck).model().params().values().clone();
    }

    @Test
    void killedTrainingAlwaysLeavesALoadableCheckpointAndResumesBitIdentically() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        SyntheticData.write(data, 1500, 100, 8, 4, 2);
        Path reference = dir.resolve("reference.safetensors");
        assertThat(run(command(data, reference, false), 0)).isZero();
        float[] expected = weights(reference);

        Path ck = dir.resolve("crashy.safetensors");
        Random r = new Random(42);
        int kills = 0;
        boolean started = false;
        for (int attempt = 0; attempt < 12 && kills < 4; attempt++) {
            int code = run(command(data, ck, started), 600 + r.nextInt(1400));
            if (Files.exists(ck)) {
                started = true;
                weights(ck); // must load: complete, valid, finite
            }
            if (code == -9) {
                kills++;
            } else {
                assertThat(code).isZero();
                break;
            }
        }
        assertThat(kills).as("the process was killed at least once mid-run").isGreaterThan(0);
        try (var s = Files.list(dir)) {
            // interrupted writes may leave a temporary file; never a half-written checkpoint under the real name
            assertThat(s.map(x -> x.getFileName().toString()).filter(n -> n.endsWith(".safetensors")))
                    .allMatch(n -> n.equals("reference.safetensors") || n.equals("crashy.safetensors"));
        }
        assertThat(run(command(data, ck, Files.exists(ck)), 0)).isZero();
        assertThat(weights(ck)).containsExactly(expected);
        assertThat(new File(ck.toString()).length()).isEqualTo(new File(reference.toString()).length());
    }
}
