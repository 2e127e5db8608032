package dev.vecprop.spark.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code vecprop spark} as a user calls it: usage errors exit 2 with one line naming the option, before Spark starts. */
class SparkCommandTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SparkCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpListsTheOptions() {
        Run r = run("--help");
        assertEquals(0, r.code());
        for (String o : new String[]{"--master", "--mode sync|avg", "--avg-every", "--epochs", "--json", "--checkpoint-every", "--resume"}) {
            assertTrue(r.out().contains(o), o);
        }
    }

    @Test
    void badOptionsExitTwoNamingTheOption() {
        assertEquals("vecprop spark: --mode expects sync or avg, got 'fast'",
                run("--mode", "fast", "--data", dir.toString()).err().lines().findFirst().orElseThrow());
        assertEquals("vecprop spark: unknown option --bogus", run("--bogus").err().lines().findFirst().orElseThrow());
        assertEquals("vecprop spark: --epochs must be in 1..100000, got 0",
                run("--epochs", "0", "--data", dir.toString()).err().lines().findFirst().orElseThrow());
        assertEquals("vecprop spark: --avg-every is a setting of --mode avg",
                run("--avg-every", "5").err().lines().findFirst().orElseThrow());
        assertEquals("vecprop spark: --checkpoint-every needs --checkpoint URI",
                run("--checkpoint-every", "5").err().lines().findFirst().orElseThrow());
        Run missing = run("--data", dir.toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().startsWith("vecprop spark: " + dir.resolve("train-images-idx3-ubyte") + " not found"), missing.err());
        assertEquals(2, run("--batch").code());
    }
}
