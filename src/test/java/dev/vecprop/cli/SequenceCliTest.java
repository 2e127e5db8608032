package dev.vecprop.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** train-lm and sample as a user calls them: a tiny run on a text file, sampling from it, and bad input (exit 2). */
class SequenceCliTest {
    static CliOptionsTest.Run run(String... a) {
        return CliOptionsTest.run(List.of(a));
    }

    @Test
    void trainsOnATextFileAndSamplesFromIt(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("t.txt");
        Files.write(text, "to be or not to be, that is the question. ".repeat(40).getBytes(StandardCharsets.US_ASCII));
        Path model = dir.resolve("lm.safetensors");
        var r = run("train-lm", "--text", text.toString(), "--steps", "12", "--embed", "4", "--hidden", "9",
                "--epochs", "1", "--batch", "8", "--threads", "1", "--save", model.toString(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("epoch  1/1").contains("bpc").contains("\"held_out_bpc\":");
        var s = run("sample", "--model", model.toString(), "--length", "30", "--temperature", "0.7", "--prompt", "to ");
        assertThat(s.code()).as(s.err()).isZero();
        assertThat(s.out()).startsWith("to ");
        assertThat(s.out().strip().length()).isGreaterThanOrEqualTo(30);
    }

    @Test
    void badInputIsAOneLineErrorWithExitCode2(@TempDir Path dir) {
        BadInputCliTest.oneLineUsageError(run("sample", "--length", "5"), "--model FILE is required");
        BadInputCliTest.oneLineUsageError(run("sample", "--model", dir.resolve("none").toString()), "none");
        BadInputCliTest.oneLineUsageError(run("train-lm", "--dataset", "mnist"), "not a text corpus");
        BadInputCliTest.oneLineUsageError(run("sample", "--model", "x", "--temperature", "0"), "temperature");
    }
}
