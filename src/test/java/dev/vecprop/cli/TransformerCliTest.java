package dev.vecprop.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --arch transformer} as a user runs it: train, save, evaluate and predict from the checkpoint alone. */
class TransformerCliTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    Run run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    /** A 28x28 IDX folder: class c lights up row 9c (so the row, a time step, tells the class). */
    private Path data() throws IOException {
        Path d = Files.createDirectories(dir.resolve("data"));
        Random r = new Random(3);
        for (String split : new String[]{"train", "t10k"}) {
            int n = split.equals("train") ? 192 : 64;
            ByteBuffer img = ByteBuffer.allocate(16 + n * 784).putInt(0x803).putInt(n).putInt(28).putInt(28);
            ByteBuffer lab = ByteBuffer.allocate(8 + n).putInt(0x801).putInt(n);
            for (int i = 0; i < n; i++) {
                int c = r.nextInt(3);
                lab.put((byte) c);
                for (int p = 0; p < 784; p++) {
                    img.put((byte) (r.nextInt(40) + (p / 28 == 9 * c ? 200 : 0)));
                }
            }
            Files.write(d.resolve(split + "-images-idx3-ubyte"), img.array());
            Files.write(d.resolve(split + "-labels-idx1-ubyte"), lab.array());
        }
        return d;
    }

    @Test
    void trainsSavesEvaluatesAndPredicts() throws IOException {
        Path d = data();
        Path model = dir.resolve("t.safetensors");
        Run t = run("train", "--data", d.toString(), "--arch", "transformer", "--epochs", "3", "--threads", "2",
                "--save", model.toString(), "--no-progress");
        assertThat(t.code()).as(t.err()).isZero();
        assertThat(t.out()).contains("model seq transformer, 104394 parameters").contains("done: test accuracy");
        Run e = run("eval", "--model", model.toString(), "--data", d.toString());
        assertThat(e.code()).as(e.err()).isZero();
        assertThat(e.out()).contains("accuracy");
        Run p = run("predict", "--model", model.toString(), "--images", d.resolve("t10k-images-idx3-ubyte").toString(),
                "--index", "0,1", "--top", "2");
        assertThat(p.code()).as(p.err()).isZero();
        assertThat(p.out().lines()).hasSize(2);
    }
}
