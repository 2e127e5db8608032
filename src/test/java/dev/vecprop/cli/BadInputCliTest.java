package dev.vecprop.cli;

import dev.vecprop.data.Normalization;
import dev.vecprop.layer.Sequential;
import dev.vecprop.train.Checkpoint;
import dev.vecprop.train.ModelSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Cases a new user hit: each gets the right behaviour or a one-line error naming what was expected. */
class BadInputCliTest {
    @TempDir
    Path dir;

    static CliOptionsTest.Run run(String... a) {
        return CliOptionsTest.run(List.of(a));
    }

    Path data(int badTestLabel) throws IOException {
        Path d = Files.createDirectories(dir.resolve("data" + badTestLabel));
        Random r = new Random(3);
        for (String split : new String[]{"train", "t10k"}) {
            int n = split.equals("train") ? 400 : 100;
            ByteBuffer img = ByteBuffer.allocate(16 + n * 36).putInt(0x803).putInt(n).putInt(6).putInt(6);
            ByteBuffer lab = ByteBuffer.allocate(8 + n).putInt(0x801).putInt(n);
            for (int i = 0; i < n; i++) {
                int c = r.nextInt(3);
                lab.put((byte) (split.equals("t10k") && i == 7 && badTestLabel > 0 ? badTestLabel : c));
                for (int p = 0; p < 36; p++) {
                    img.put((byte) (r.nextInt(50) + (p / 6 == 2 * c ? 200 : 0)));
                }
            }
            Files.write(d.resolve(split + "-images-idx3-ubyte"), img.array());
            Files.write(d.resolve(split + "-labels-idx1-ubyte"), lab.array());
        }
        return d;
    }

    static void oneLineUsageError(CliOptionsTest.Run r, String... fragments) {
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
        assertThat(r.err()).doesNotContain("Exception").contains(fragments);
    }

    @Test
    void maxStepsStopsTheRun() throws IOException {
        var r = run("train", "--data", data(0).toString(), "--arch", "36-16-3", "--max-steps", "1", "--threads", "1",
                "--json", "--no-progress");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"global_steps\":1").contains("\"trained_samples\":64").contains("step limit 1");
    }

    @Test
    void aTestLabelBeyondTheModelsClassesIsNamedBeforeTraining() throws IOException {
        var r = run("train", "--data", data(200).toString(), "--arch", "36-16-10", "--epochs", "1", "--no-progress");
        oneLineUsageError(r, "t10k-labels-idx1-ubyte", "label 200 at index 7", "outside 0..9");
        assertThat(r.out()).doesNotContain("epoch");
    }

    @Test
    void optionValuesAndCommandsAreCheckedStrictly() {
        oneLineUsageError(run("train", "--epochs", "--lr", "0.1"), "--epochs needs a value");
        oneLineUsageError(run("info", "--bogus"), "takes no options");
        oneLineUsageError(run("train", "--momentum", "0.5"), "--momentum is for --optimizer momentum or nesterov");
    }

    @Test
    void resumeKeepsTheScheduleAndPointsAWeightsOnlyFileToInitFrom() throws IOException {
        Path d = data(0);
        Path ck = dir.resolve("ck.safetensors");
        var first = run("train", "--data", d.toString(), "--arch", "36-16-3", "--epochs", "2", "--max-steps", "3",
                "--save", ck.toString(), "--threads", "1", "--no-progress");
        assertThat(first.code()).as(first.err()).isZero();
        oneLineUsageError(run("train", "--data", d.toString(), "--epochs", "3", "--resume", ck.toString(), "--threads", "1"),
                "epochs=2 (this fit: epochs=3)");
        oneLineUsageError(run("train", "--data", d.toString(), "--epochs", "2", "--lr", "0.01", "--resume", ck.toString()),
                "schedule=cosine(lr=0.001");
        var resumed = run("train", "--data", d.toString(), "--epochs", "2", "--resume", ck.toString(), "--threads", "1",
                "--no-progress");
        assertThat(resumed.code()).as(resumed.err()).isZero();
        Path weights = dir.resolve("w.safetensors");
        Checkpoint.save(weights, ModelSpec.parse("36-16-3", "relu", 0, false).build());
        oneLineUsageError(run("train", "--data", d.toString(), "--resume", weights.toString()),
                "no training state", "--init-from " + weights);
    }

    @Test
    void aPyTorchExportGetsItsArchitectureAndNormalisationFromOptions() throws IOException {
        Path d = data(0);
        Path ck = dir.resolve("vecprop.safetensors");
        assertThat(run("train", "--data", d.toString(), "--arch", "36-16-3", "--epochs", "2", "--normalize", "standard",
                "--save", ck.toString(), "--threads", "1", "--no-progress").code()).isZero();
        Checkpoint.Loaded l = Checkpoint.load(ck);
        // what PyTorch writes: the tensors alone, no vecprop metadata
        Path export = dir.resolve("torch.safetensors");
        Sequential m = l.model();
        java.util.Map<String, dev.vecprop.io.Safetensors.Tensor> t = new java.util.LinkedHashMap<>();
        for (var p : m.params().all()) {
            t.put(p.name(), new dev.vecprop.io.Safetensors.Tensor("F32",
                    java.util.Arrays.stream(p.shape()).asLongStream().toArray(), p.toArray()));
        }
        dev.vecprop.io.Safetensors.write(export, t, java.util.Map.of("format", "pt"));
        Normalization n = l.normalization();
        var want = run("eval", "--model", ck.toString(), "--data", d.toString(), "--json");
        oneLineUsageError(run("eval", "--model", export.toString(), "--data", d.toString()), "--arch");
        var got = run("eval", "--model", export.toString(), "--data", d.toString(), "--json", "--arch", "36-16-3",
                "--input-mean", Float.toString(n.mean()), "--input-std", Float.toString(n.std()));
        assertThat(got.code()).as(got.err()).isZero();
        assertThat(got.out()).isEqualTo(want.out());
        var withoutNorm = run("eval", "--model", export.toString(), "--data", d.toString(), "--json", "--arch", "36-16-3");
        assertThat(withoutNorm.out()).isNotEqualTo(want.out());
        assertThat(withoutNorm.err()).contains("records no input normalisation; the inputs are used as they are");
        assertThat(got.err()).doesNotContain("records no input normalisation");
        Path images = d.resolve("t10k-images-idx3-ubyte");
        var p1 = run("predict", "--model", ck.toString(), "--images", images.toString(), "--index", "0,1,2");
        var p2 = run("predict", "--model", export.toString(), "--images", images.toString(), "--index", "0,1,2",
                "--arch", "36-16-3", "--input-mean", Float.toString(n.mean()), "--input-std", Float.toString(n.std()));
        assertThat(p2.code()).as(p2.err()).isZero();
        assertThat(p2.out()).isEqualTo(p1.out());
    }

    @Test
    void imagesThatAreNotUnsignedBytesAreRejectedByTrainAndPredict() throws IOException {
        Path d = data(0);
        Path m = dir.resolve("m.safetensors");
        assertThat(run("train", "--data", d.toString(), "--arch", "36-16-3", "--epochs", "1", "--save", m.toString(),
                "--threads", "1", "--no-progress").code()).isZero();
        // the same test images as int32 (type 0x0C): classifying them as pixels would be silently wrong
        Path bad = Files.createDirectories(dir.resolve("int32"));
        for (String f : new String[]{"train-labels-idx1-ubyte", "t10k-labels-idx1-ubyte", "train-images-idx3-ubyte"}) {
            Files.copy(d.resolve(f), bad.resolve(f));
        }
        byte[] u8 = Files.readAllBytes(d.resolve("t10k-images-idx3-ubyte"));
        ByteBuffer i32 = ByteBuffer.allocate(16 + 4 * (u8.length - 16)).putInt(0x0C03).putInt(100).putInt(6).putInt(6);
        for (int i = 16; i < u8.length; i++) {
            i32.putInt(u8[i] & 0xFF);
        }
        Files.write(bad.resolve("t10k-images-idx3-ubyte"), i32.array());
        oneLineUsageError(run("predict", "--model", m.toString(), "--images", bad.resolve("t10k-images-idx3-ubyte").toString()),
                "t10k-images-idx3-ubyte", "images must be unsigned bytes (IDX type 0x08), got int32");
        oneLineUsageError(run("train", "--data", bad.toString(), "--arch", "36-16-3", "--epochs", "1"),
                "images must be unsigned bytes");
    }

    /** --plot and --confusion-svg make their folder like --save, and a folder given as the file is refused before training. */
    @Test
    void pictureFilesGetTheirFolderAndAFolderIsRefusedUpFront() throws IOException {
        Path d = data(0);
        Path m = dir.resolve("m.safetensors");
        Path plot = dir.resolve("new/sub/curves.svg");
        var r = run("train", "--data", d.toString(), "--arch", "36-16-3", "--epochs", "1", "--threads", "1",
                "--no-progress", "--plot", plot.toString(), "--save", m.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readString(plot)).startsWith("<?xml").contains("</svg>");
        oneLineUsageError(run("train", "--data", d.toString(), "--arch", "36-16-3", "--epochs", "1", "--no-progress",
                "--plot", dir.toString()), "--plot " + dir + " is a folder");
        Path svg = dir.resolve("other/cm.svg");
        var e = run("eval", "--model", m.toString(), "--data", d.toString(), "--confusion-svg", svg.toString());
        assertThat(e.code()).as(e.err()).isZero();
        assertThat(Files.readString(svg)).contains("class=\"cell\"");
        var j = run("train", "--data", d.toString(), "--arch", "36-16-3", "--epochs", "1", "--threads", "1",
                "--no-progress", "--json", "--validation-split", "0.2");
        assertThat(j.out()).contains("\"epoch_validation_accuracy\":[").doesNotContain("epoch_test_accuracy");
    }

    /** --verbose adds the stack trace an internal error or bad input would otherwise hide. */
    @Test
    void verboseShowsTheStackTraceThatIsOtherwiseHidden() throws IOException {
        Path missing = dir.resolve("missing.safetensors");
        var quiet = run("eval", "--model", missing.toString(), "--data", data(0).toString());
        assertThat(quiet.code()).isEqualTo(2);
        assertThat(quiet.err().strip().lines()).hasSize(1);
        assertThat(quiet.err()).doesNotContain("Exception").doesNotContain("\tat ");
        var loud = run("--verbose", "eval", "--model", missing.toString(), "--data", data(0).toString());
        assertThat(loud.code()).isEqualTo(2);
        assertThat(loud.err()).contains(quiet.err().strip()).contains("\tat dev.vecprop.");
    }
}
