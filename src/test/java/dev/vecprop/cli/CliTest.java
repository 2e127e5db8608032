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

/** The command line as a user calls it: exit codes, one-line errors, nothing written on failure. */
class CliTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    Run run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    Path data() throws IOException {
        return data("data");
    }

    Path data(String name) throws IOException {
        Path d = Files.createDirectories(dir.resolve(name));
        Random r = new Random(3);
        for (String split : new String[]{"train", "t10k"}) {
            int n = split.equals("train") ? 400 : 100;
            ByteBuffer img = ByteBuffer.allocate(16 + n * 36).putInt(0x803).putInt(n).putInt(6).putInt(6);
            ByteBuffer lab = ByteBuffer.allocate(8 + n).putInt(0x801).putInt(n);
            for (int i = 0; i < n; i++) {
                int c = r.nextInt(3);
                lab.put((byte) c);
                for (int p = 0; p < 36; p++) {
                    img.put((byte) (r.nextInt(50) + (p / 6 == 2 * c ? 200 : 0)));
                }
            }
            Files.write(d.resolve(split + "-images-idx3-ubyte"), img.array());
            Files.write(d.resolve(split + "-labels-idx1-ubyte"), lab.array());
        }
        return d;
    }

    @Test
    void helpAndInfo() {
        assertThat(run("--help").code()).isZero();
        assertThat(run("info").out()).contains("vector:").contains("gemm:");
        Run t = run("train", "--help");
        assertThat(t.code()).isZero();
        assertThat(t.out()).contains("--batch").contains("--binary").contains("--resume");
    }

    @Test
    void infoListsEverySwitchWithItsValueAndDefault() {
        String out = run("info").out();
        for (String name : java.util.List.of("vectorBits", "tile", "kc", "mc", "nc", "packA", "gemmDirectA",
                "rowSweepMinC", "skipZeroInputs", "skipZeroMaxShare", "convInputGrad")) {
            assertThat(out).containsPattern("\\n  -Dvecprop\\." + name + " +\\S+ +default ");
        }
    }

    @Test
    void aBadSwitchStopsTheCommandAtStartUpWithOneLine() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-Dvecprop.convInputGrad=fulll",
                "-cp", System.getProperty("java.class.path"), "dev.vecprop.cli.Main", "info")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isEqualTo(2);
        // the JVM's own "WARNING: Using incubator modules" line aside, one line
        assertThat(err.lines().filter(l -> !l.startsWith("WARNING: Using incubator modules")))
                .containsExactly("vecprop: -Dvecprop.convInputGrad=fulll: expected one of auto, full, cols");
    }

    /** Runs the CLI in a JVM launched without {@code --add-modules jdk.incubator.vector}. */
    static String[] withoutVectorModule(String... args) throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(javaBin, "-cp",
                System.getProperty("java.class.path"), "dev.vecprop.cli.Main"));
        cmd.addAll(java.util.List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new String[] {Integer.toString(p.waitFor()), out, err};
    }

    /**
     * The README's promise: without the incubator module every command still works, on the scalar
     * kernels, after one warning line; training, evaluation and serving give the results they give
     * on the scalar path in this JVM.
     */
    @Test
    void withoutTheVectorModuleTrainEvalAndPredictRunOnTheScalarKernels() throws Exception {
        Path d = data();
        Path model = dir.resolve("scalar.safetensors");
        String[] t = withoutVectorModule("train", "--data", d.toString(), "--arch", "36-16-3", "--epochs", "2",
                "--threads", "2", "--save", model.toString(), "--json", "--no-progress");
        assertThat(t[0]).as(t[2]).isEqualTo("0");
        assertThat(t[2]).contains("vecprop uses its scalar kernels: module jdk.incubator.vector is not in the module graph");
        assertThat(t[1]).contains("\"vector_bits\":0");
        String[] e = withoutVectorModule("eval", "--model", model.toString(), "--data", d.toString(), "--json");
        assertThat(e[0]).as(e[2]).isEqualTo("0");
        String[] p = withoutVectorModule("predict", "--model", model.toString(), "--images",
                d.resolve("t10k-images-idx3-ubyte").toString(), "--index", "0,1,2", "--json");
        assertThat(p[0]).as(p[2]).isEqualTo("0");
        assertThat(p[1].lines()).hasSize(3);
        // the same file served in this JVM (vectors, if the machine has them) predicts the same classes
        Run here = run("predict", "--model", model.toString(), "--images", d.resolve("t10k-images-idx3-ubyte").toString(),
                "--index", "0,1,2", "--json");
        java.util.List<String> a = p[1].lines().map(l -> String.valueOf(((java.util.Map<?, ?>) dev.vecprop.io.Json.parse(l)).get("label"))).toList();
        java.util.List<String> b = here.out().lines().map(l -> String.valueOf(((java.util.Map<?, ?>) dev.vecprop.io.Json.parse(l)).get("label"))).toList();
        assertThat(a).isEqualTo(b);
    }

    @Test
    void jsonOutputEscapesEveryStringAndParses() throws IOException {
        Path d = data("da\"ta\\ é\t");
        Path model = dir.resolve("m.safetensors");
        Run t = run("train", "--data", d.toString(), "--arch", "36-16-3", "--epochs", "1", "--threads", "1",
                "--save", model.toString(), "--json", "--no-progress");
        assertThat(t.code()).as(t.err()).isZero();
        java.util.Map<?, ?> train = (java.util.Map<?, ?>) dev.vecprop.io.Json.parse(t.out().strip());
        assertThat(train.get("dataset")).isEqualTo(d.toString());
        assertThat(train.get("epochs")).isEqualTo(1L);
        assertThat(train.get("epoch_test_accuracy")).asList().hasSize(1);
        Run e = run("eval", "--model", model.toString(), "--data", d.toString(), "--json", "--attack", "fgsm", "--eps", "0.1");
        assertThat(e.code()).as(e.err()).isZero();
        java.util.Map<?, ?> eval = (java.util.Map<?, ?>) dev.vecprop.io.Json.parse(e.out().strip());
        assertThat(new java.util.ArrayList<Object>(eval.keySet())).containsExactly("test_accuracy", "test_loss", "top3_accuracy", "macro_f1", "samples",
                "threads", "robust_accuracy", "attack");
        assertThat(eval.get("attack")).isEqualTo("FGSM(eps=0.1)");
        Run p = run("predict", "--model", model.toString(), "--images", d.resolve("t10k-images-idx3-ubyte").toString(),
                "--index", "3", "--top", "2", "--json");
        assertThat(p.code()).as(p.err()).isZero();
        java.util.Map<?, ?> pred = (java.util.Map<?, ?>) dev.vecprop.io.Json.parse(p.out().strip());
        assertThat(pred.get("index")).isEqualTo(3L);
        assertThat(pred.get("top")).asList().hasSize(2);
    }

    @Test
    void usageErrorsExitWith2AndOneLine() {
        for (String[] args : new String[][]{
                {"train", "--bogus"}, {"train", "--lr", "-1"}, {"train", "--batch", "x"}, {"train", "--epochs", "-1"},
                {"train", "--epochs", "0"}, {"train", "--lr"}, {"frobnicate"}, {"train", "--arch", "784-x-10"},
                {"train", "--activation", "swish"}, {"eval"}, {"train", "--dropout", "1.5"}, {"train", "--batch", "0"}, {"train", "--batch", "-5"},
                {"train", "--normalize", "zscore"}, {"train", "--normalize", "standard", "--no-normalize"}}) {
            Run r = run(args);
            assertThat(r.code()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.err().strip()).as(String.join(" ", args)).startsWith("vecprop: ").doesNotContain("\n")
                    .doesNotContain("Exception");
        }
    }

    @Test
    void trainsSavesEvaluatesAndPredictsOnAnIdxFolder() throws IOException {
        Path d = data();
        Path model = dir.resolve("m.safetensors");
        Run t = run("train", "--data", d.toString(), "--arch", "36-16-3", "--epochs", "2", "--threads", "1",
                "--save", model.toString(), "--json", "--no-progress");
        assertThat(t.code()).as(t.err()).isZero();
        assertThat(t.out().strip()).startsWith("{\"test_accuracy\":").contains("\"vector_bits\":")
                .contains("\"samples_per_second\":").contains("\"threads\":1");
        assertThat(model).exists();
        Run e = run("eval", "--model", model.toString(), "--data", d.toString());
        assertThat(e.code()).as(e.err()).isZero();
        assertThat(e.out()).contains("accuracy").contains("true\\pred");
        Run p = run("predict", "--model", model.toString(), "--images", d.resolve("t10k-images-idx3-ubyte").toString(),
                "--index", "0,1", "--top", "2");
        assertThat(p.code()).as(p.err()).isZero();
        assertThat(p.out().lines()).hasSize(2);
        Run atk = run("eval", "--model", model.toString(), "--data", d.toString(), "--attack", "fgsm", "--eps", "0.1");
        assertThat(atk.code()).as(atk.err()).isZero();
        assertThat(atk.out()).contains("under FGSM(eps=0.1): accuracy");
        Run adv = run("train", "--data", d.toString(), "--arch", "36-16-3", "--epochs", "1", "--threads", "1",
                "--adversarial", "pgd", "--eps", "0.05", "--pgd-steps", "2", "--json", "--no-progress");
        assertThat(adv.code()).as(adv.err()).isZero();
        assertThat(adv.out()).contains("\"robust_accuracy\":").contains("PGD(eps=0.05");
        assertThat(run("train", "--eps", "0.1").err()).contains("need --adversarial");
        Run gd = run("train", "--data", d.toString(), "--arch", "36-16-3", "--epochs", "2", "--batch", "full",
                "--optimizer", "sgd", "--lr", "0.5", "--threads", "1", "--no-progress");
        assertThat(gd.code()).as(gd.err()).isZero();
        assertThat(gd.out()).contains("batch 400");
        Run sgd1 = run("train", "--data", d.toString(), "--arch", "36-16-3", "--epochs", "1", "--batch", "1",
                "--optimizer", "sgd", "--lr", "0.01", "--threads", "1", "--no-progress");
        assertThat(sgd1.code()).as(sgd1.err()).isZero();
        for (String mode : new String[] {"standard", "none"}) {
            Path m = dir.resolve("m-" + mode + ".safetensors");
            Run nm = run("train", "--data", d.toString(), "--arch", "36-16-3", "--epochs", "1", "--threads", "1",
                    "--normalize", mode, "--save", m.toString(), "--no-progress");
            assertThat(nm.code()).as(nm.err()).isZero();
            Run ev = run("eval", "--model", m.toString(), "--data", d.toString());
            assertThat(ev.code()).as(ev.err()).isZero();
        }
        Run b = run("train", "--data", d.toString(), "--arch", "36-8-1", "--binary", "1", "--epochs", "1",
                "--threads", "1", "--no-progress");
        assertThat(b.code()).as(b.err()).isZero();
        assertThat(b.out()).contains("precision").contains("recall");
    }

    @Test
    void quantizesEvaluatesPredictsAndDequantizes() throws IOException {
        Path d = data();
        Path model = dir.resolve("f.safetensors");
        Run t = run("train", "--data", d.toString(), "--arch", "36-16-3", "--epochs", "2", "--threads", "1",
                "--save", model.toString(), "--json", "--no-progress");
        assertThat(t.code()).as(t.err()).isZero();
        double floatAcc = Double.parseDouble(run("eval", "--model", model.toString(), "--data", d.toString(), "--json")
                .out().replaceAll("(?s).*\"test_accuracy\":([0-9.]+).*", "$1"));
        for (String[] opts : new String[][]{{}, {"--activations", "int8", "--calibrate", "100", "--data", d.toString()},
                {"--activations", "int8", "--method", "percentile", "--data", d.toString()}, {"--keep-last-float"}}) {
            Path q = dir.resolve("q" + opts.length + ".safetensors");
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("quantize", "--model", model.toString(),
                    "--out", q.toString(), "--json"));
            args.addAll(java.util.List.of(opts));
            Run r = run(args.toArray(new String[0]));
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("\"quantized_layers\":" + (opts.length == 1 ? 1 : 2));
            Run e = run("eval", "--model", q.toString(), "--data", d.toString(), "--json");
            assertThat(e.code()).as(e.err()).isZero();
            double acc = Double.parseDouble(e.out().replaceAll("(?s).*\"test_accuracy\":([0-9.]+).*", "$1"));
            assertThat(acc).as(String.join(" ", opts)).isCloseTo(floatAcc, org.assertj.core.data.Offset.offset(0.03));
            Run p = run("predict", "--model", q.toString(), "--images", d.resolve("t10k-images-idx3-ubyte").toString(),
                    "--index", "0,1");
            assertThat(p.code()).as(p.err()).isZero();
        }
        Path back = dir.resolve("back.safetensors");
        Run b = run("quantize", "--dequantize", "--model", dir.resolve("q0.safetensors").toString(), "--out", back.toString());
        assertThat(b.code()).as(b.err()).isZero();
        assertThat(run("eval", "--model", back.toString(), "--data", d.toString()).code()).isZero();
        // a quantized file is not quantized twice; options that need int8 activations say so
        oneLine(run("quantize", "--model", dir.resolve("q0.safetensors").toString(), "--out", dir.resolve("x.safetensors").toString()),
                "already quantized");
        oneLine(run("quantize", "--model", model.toString(), "--out", dir.resolve("x.safetensors").toString(), "--calibrate", "10"),
                "add --activations int8");
        oneLine(run("quantize", "--model", model.toString(), "--out", dir.resolve("x.safetensors").toString(),
                "--activations", "int4"), "--activations expects weight-only or int8");
        assertThat(dir.resolve("x.safetensors")).doesNotExist();
    }

    private static void oneLine(Run r, String expected) {
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("vecprop: ").contains(expected).doesNotContain("\n").doesNotContain("Exception");
    }

    @Test
    void badInputNamesTheFileAndWritesNothing() throws IOException {
        Path d = data();
        Files.write(d.resolve("t10k-labels-idx1-ubyte"), new byte[]{0, 0, 8, 1, 0, 0, 0, 100, 1, 2});
        Path model = dir.resolve("never.safetensors");
        Run r = run("train", "--data", d.toString(), "--arch", "36-16-3", "--epochs", "1", "--save", model.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("t10k-labels-idx1-ubyte").contains("truncated");
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(model).doesNotExist();
        Run arch = run("train", "--data", data().toString(), "--arch", "784-10", "--epochs", "1");
        assertThat(arch.code()).isEqualTo(2);
        assertThat(arch.err()).contains("takes 784 inputs").contains("have 36");
        Path bad = dir.resolve("bad.safetensors");
        Files.write(bad, new byte[]{(byte) 0xFF, (byte) 0xFF, 0, 0, 0, 0, 0, 0, 1, 2});
        Run ev = run("eval", "--model", bad.toString(), "--data", d.toString());
        assertThat(ev.code()).isEqualTo(2);
        assertThat(ev.err()).contains("bad.safetensors").contains("header length");
    }

    @Test
    void gradcheckPrintsTheContractTableAndItsJson() {
        Run t = run("gradcheck");
        assertThat(t.code()).as(t.err()).isZero();
        assertThat(t.out()).contains("layer and loss contracts").contains("grad   accum  batch  determ eval   serial shape")
                .contains("BatchNorm2d(3) on (3,5,7) B=2").contains("gradient check of models and penalties");
        Run j = run("gradcheck", "--json");
        assertThat(j.code()).as(j.err()).isZero();
        java.util.Map<?, ?> doc = (java.util.Map<?, ?>) dev.vecprop.io.Json.parse(j.out().strip());
        assertThat(doc.get("failed")).isEqualTo(0L);
        java.util.List<?> contracts = (java.util.List<?>) doc.get("contracts");
        assertThat(contracts).hasSizeGreaterThan(40);
        for (Object c : contracts) {
            java.util.Map<?, ?> props = (java.util.Map<?, ?>) ((java.util.Map<?, ?>) c).get("properties");
            assertThat(props.keySet().stream().map(String::valueOf).toList()).as(String.valueOf(c)).containsExactly("gradients", "accumulation",
                    "batch_independence", "determinism", "eval_purity", "serialization", "shape_errors");
        }
        assertThat((java.util.List<?>) doc.get("gradients")).hasSizeGreaterThan(50);
    }
}
