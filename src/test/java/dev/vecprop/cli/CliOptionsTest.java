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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every documented option of train, eval and predict, given on its own to a small run, either
 * changes what the run produces (its result, or a file it writes) or is rejected with a one-line
 * reason and exit code 2. An option that is parsed but ignored cannot pass.
 */
class CliOptionsTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    static Run run(List<String> args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = Main.run(args.toArray(new String[0]), new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    Path data() throws IOException {
        Path d = Files.createDirectories(dir.resolve("data"));
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

    /** The run's result without its timings (which differ from run to run). */
    static String result(Run r) {
        return r.code() + " " + r.out().replaceAll("\"(train_seconds|samples_per_second)\":[0-9.E-]+", "")
                .replaceAll("\"epoch_samples_per_second\":\\[[0-9,]*\\]", "")
                .replaceAll("[0-9,]+ samples/s", "").replaceAll("[0-9.]+ s( training)?", "");
    }

    /**
     * One case: the option with its value, and the companions that make its effect observable; the
     * case's run (base + companions + option) is compared with the run without it (base + companions).
     */
    record Case(List<String> companions, List<String> args, Path file, String rejectedWith) {
        static Case of(String... a) {
            return new Case(List.of(), List.of(a), null, null);
        }

        static Case with(List<String> companions, String... a) {
            return new Case(companions, List.of(a), null, null);
        }

        static Case file(Path f, String... a) {
            return new Case(List.of(), List.of(a), f, null);
        }

        /** A case that must be refused (exit 2) with a message containing {@code reason}. */
        static Case rejected(String reason, String... a) {
            return new Case(List.of(), List.of(a), null, reason);
        }

        /** As {@link #rejected(String, String...)} with companions. */
        static Case rejectedWith(String reason, List<String> companions, String... a) {
            return new Case(companions, List.of(a), null, reason);
        }
    }

    void walk(Option.Table table, List<String> base, Map<String, Case> cases, Set<String> baseOptions) {
        Run baseline = run(base);
        assertThat(baseline.code()).as(baseline.err()).isZero();
        Set<String> declared = new TreeSet<>();
        for (Option o : table.options()) {
            declared.add(o.name());
        }
        Set<String> covered = new TreeSet<>(cases.keySet());
        covered.addAll(baseOptions);
        assertThat(covered).as("every declared option has a case").isEqualTo(declared);
        List<String> unexpectedRejections = new ArrayList<>();
        for (Map.Entry<String, Case> c : cases.entrySet()) {
            // an option of the case or its companions that the base also gives replaces the base's;
            // the reference is the baseline, or with companions the baseline with the companions
            List<String> companions = c.getValue().companions();
            List<String> own = new ArrayList<>(companions);
            own.addAll(c.getValue().args());
            List<String> args = withoutOptions(base, own, table);
            args.addAll(companions);
            args.addAll(c.getValue().args());
            Run r = run(args);
            Run reference = baseline;
            if (!companions.isEmpty()) {
                List<String> ref = withoutOptions(base, companions, table);
                ref.addAll(companions);
                reference = run(ref);
            }
            String what = "--" + c.getKey() + " " + c.getValue().args() + ": " + r.err();
            if (c.getValue().rejectedWith() != null) {
                assertThat(r.code()).as(what + " must be refused").isEqualTo(2);
                assertThat(r.err().strip().lines()).as(what).hasSize(1);
                assertThat(r.err()).as(what).startsWith("vecprop: ").doesNotContain("Exception")
                        .contains(c.getValue().rejectedWith());
                continue;
            }
            if (r.code() == 2) {
                unexpectedRejections.add(what.strip());
                continue;
            }
            assertThat(r.code()).as(what + r.out()).isZero();
            if (c.getValue().file() != null) {
                assertThat(c.getValue().file()).as(what).exists();
            } else {
                assertThat(result(r)).as(what + " changes the run").isNotEqualTo(result(reference));
            }
        }
        assertThat(unexpectedRejections).as("valid options refused (a refusal the case did not declare)").isEmpty();
    }

    @Test
    void everyTrainOptionChangesTheRunOrIsRejected() throws IOException {
        Path d = data();
        Path saved = dir.resolve("saved.safetensors");
        Path partial = dir.resolve("partial.safetensors");
        List<String> base = List.of("train", "--data", d.toString(), "--arch", "36-16-3", "--epochs", "2",
                "--threads", "1", "--json", "--no-progress");
        assertThat(run(concat(base, "--save", saved.toString())).code()).isZero();
        assertThat(run(concat(base, "--save", partial.toString(), "--max-steps", "3")).code()).isZero();
        Map<String, Case> c = new LinkedHashMap<>();
        // a named data set is fetched: unit tests use --data; with both, the refusal names the conflict
        c.put("dataset", Case.rejected("give --dataset or --data, not both", "--dataset", "fashion-mnist"));
        c.put("limit", Case.of("--limit", "100"));
        c.put("validation-split", Case.of("--validation-split", "0.2"));
        c.put("normalize", Case.of("--normalize", "standard"));
        c.put("no-normalize", Case.of("--no-normalize"));
        c.put("no-shuffle", Case.of("--no-shuffle"));
        c.put("activation", Case.of("--activation", "tanh"));
        c.put("dropout", Case.of("--dropout", "0.3"));
        c.put("batchnorm", Case.of("--batchnorm"));
        c.put("binary", Case.with(List.of("--arch", "36-8-1"), "--binary", "1"));
        c.put("init", Case.of("--init", "xavier"));
        c.put("init-sigma", Case.with(List.of("--init", "normal"), "--init-sigma", "0.5"));
        c.put("init-from", Case.of("--init-from", saved.toString()));
        c.put("optimizer", Case.of("--optimizer", "sgd"));
        c.put("lr", Case.of("--lr", "0.01"));
        c.put("momentum", Case.with(List.of("--optimizer", "momentum"), "--momentum", "0.5"));
        c.put("weight-decay", Case.of("--weight-decay", "0.5"));
        c.put("schedule", Case.of("--schedule", "constant"));
        c.put("warmup", Case.of("--warmup", "5"));
        c.put("batch", Case.of("--batch", "16"));
        c.put("l1", Case.of("--l1", "0.01"));
        c.put("l2", Case.of("--l2", "0.01"));
        c.put("clip-norm", Case.of("--clip-norm", "0.01"));
        c.put("clip-value", Case.of("--clip-value", "0.0001"));
        // weights of 1e30 overflow the forward pass: the run stops with a divergence (exit 1) unless steps are skipped
        Path huge = dir.resolve("huge.safetensors");
        dev.vecprop.layer.Sequential hm = dev.vecprop.train.ModelSpec.parse("36-16-3", "relu", 0, false).build();
        java.util.Arrays.fill(hm.params().values(), 1e30f);
        dev.vecprop.train.Checkpoint.save(huge, hm);
        c.put("skip-nonfinite", Case.with(List.of("--init-from", huge.toString()), "--skip-nonfinite"));
        c.put("early-stopping", Case.with(List.of("--epochs", "6", "--optimizer", "sgd", "--lr", "5", "--schedule",
                "constant"), "--early-stopping", "0"));
        c.put("augment", Case.of("--augment", "shift=1"));
        c.put("adversarial", Case.of("--adversarial", "fgsm"));
        c.put("eps", Case.with(List.of("--adversarial", "fgsm"), "--eps", "0.2"));
        c.put("adv-ratio", Case.with(List.of("--adversarial", "fgsm"), "--adv-ratio", "0.2"));
        c.put("pgd-steps", Case.with(List.of("--adversarial", "pgd"), "--pgd-steps", "2"));
        c.put("pgd-alpha", Case.with(List.of("--adversarial", "pgd"), "--pgd-alpha", "0.01"));
        c.put("seed", Case.of("--seed", "5"));
        c.put("save", Case.file(dir.resolve("s.safetensors"), "--save", dir.resolve("s.safetensors").toString()));
        // its effect (a checkpoint mid-epoch) shows only when a run is killed: KillAndResumeTest kills one
        c.put("checkpoint-every", Case.rejected("--checkpoint-every needs --save FILE", "--checkpoint-every", "2"));
        c.put("keep-best", Case.file(dir.resolve("best.safetensors"), "--keep-best", dir.resolve("best.safetensors").toString()));
        c.put("resume", Case.of("--resume", partial.toString()));
        c.put("max-steps", Case.of("--max-steps", "4"));
        c.put("plot", Case.file(dir.resolve("curves.svg"), "--plot", dir.resolve("curves.svg").toString()));
        // the baseline's own options are exercised by it; their alternatives change the run too
        c.put("arch", Case.of("--arch", "36-8-3"));
        c.put("epochs", Case.of("--epochs", "3"));
        c.put("threads", Case.of("--threads", "2"));
        walk(TrainCommand.OPTIONS, base, c, Set.of("data", "json", "no-progress"));
        Run diverging = run(concat(base, "--init-from", huge.toString()));
        assertThat(diverging.code()).as(diverging.out() + diverging.err()).isEqualTo(1);
        assertThat(diverging.err()).contains("loss is");
        // json changes the output; no-progress matters on a terminal only (tests have none), data is the baseline's
        List<String> text = new ArrayList<>(base);
        text.remove("--json");
        assertThat(run(text).out()).isNotEqualTo(run(base).out());
    }

    @Test
    void everyEvalAndPredictOptionChangesTheRunOrIsRejected() throws IOException {
        Path d = data();
        Path m = dir.resolve("m.safetensors");
        assertThat(run(List.of("train", "--data", d.toString(), "--arch", "36-16-3", "--epochs", "1", "--threads", "1",
                "--save", m.toString(), "--no-progress")).code()).isZero();
        // a PyTorch-style export (tensors only, no vecprop metadata) and a one-output model
        Path export = dir.resolve("export.safetensors");
        dev.vecprop.io.Safetensors.write(export, dev.vecprop.io.Safetensors.read(m).tensors(), Map.of());
        Path binary = dir.resolve("binary.safetensors");
        assertThat(run(List.of("train", "--data", d.toString(), "--arch", "36-8-1", "--binary", "1", "--epochs", "1",
                "--threads", "1", "--save", binary.toString(), "--no-progress")).code()).isZero();
        List<String> base = List.of("eval", "--model", m.toString(), "--data", d.toString(), "--json", "--threads", "1");
        Map<String, Case> c = new LinkedHashMap<>();
        c.put("dataset", Case.rejected("give --dataset or --data, not both", "--dataset", "mnist"));
        c.put("arch", Case.with(List.of("--model", export.toString()), "--arch", "36-16-3"));
        c.put("input-mean", Case.with(List.of("--model", export.toString(), "--arch", "36-16-3"), "--input-mean", "0.5"));
        c.put("input-std", Case.with(List.of("--model", export.toString(), "--arch", "36-16-3"), "--input-std", "0.5"));
        c.put("binary", Case.with(List.of("--model", binary.toString()), "--binary", "2"));
        c.put("threads", Case.of("--threads", "2"));
        c.put("top", Case.of("--top", "2"));
        c.put("confusion-svg", Case.file(dir.resolve("c.svg"), "--confusion-svg", dir.resolve("c.svg").toString()));
        c.put("attack", Case.of("--attack", "fgsm"));
        c.put("eps", Case.with(List.of("--attack", "fgsm"), "--eps", "0.2"));
        c.put("pgd-steps", Case.with(List.of("--attack", "pgd"), "--pgd-steps", "2"));
        c.put("pgd-alpha", Case.with(List.of("--attack", "pgd"), "--pgd-alpha", "0.01"));
        walk(EvalCommand.OPTIONS, base, c, Set.of("model", "data", "json"));

        Path images = d.resolve("t10k-images-idx3-ubyte");
        List<String> pbase = List.of("predict", "--model", m.toString(), "--images", images.toString(), "--json");
        Map<String, Case> p = new LinkedHashMap<>();
        p.put("index", Case.of("--index", "0,1"));
        p.put("top", Case.of("--top", "1"));
        p.put("arch", Case.with(List.of("--model", export.toString()), "--arch", "36-16-3"));
        p.put("input-mean", Case.with(List.of("--model", export.toString(), "--arch", "36-16-3"), "--input-mean", "0.5"));
        p.put("input-std", Case.with(List.of("--model", export.toString(), "--arch", "36-16-3"), "--input-std", "0.5"));
        walk(PredictCommand.OPTIONS, pbase, p, Set.of("model", "images", "json"));
    }

    @Test
    void gradcheckOptionsChangeTheRun() {
        Map<String, Case> c = new LinkedHashMap<>();
        c.put("all-tensors", Case.of("--all-tensors"));
        c.put("json", Case.of("--json"));
        walk(GradcheckCommand.OPTIONS, List.of("gradcheck"), c, Set.of());
    }

    /**
     * The benchmarks run for seconds, so their options are walked at the parsing level: every declared
     * option, given a value it cannot take, is refused naming itself (so it is read and checked), and
     * a short real run of bench serve answers one JSON line per thread count.
     */
    @Test
    void everyBenchOptionIsReadAndChecked() {
        Map<String, List<String>> bad = new LinkedHashMap<>();
        bad.put("gemm threads", List.of("bench", "gemm", "--threads", "0"));
        bad.put("gemm seconds", List.of("bench", "gemm", "--seconds", "-1"));
        bad.put("gemm reps", List.of("bench", "gemm", "--reps", "x"));
        bad.put("layers arch", List.of("bench", "layers", "--arch", "nonsense"));
        bad.put("layers batch", List.of("bench", "layers", "--batch", "0"));
        bad.put("layers threads", List.of("bench", "layers", "--threads", "0"));
        bad.put("layers seconds", List.of("bench", "layers", "--seconds", "0"));
        bad.put("layers data", List.of("bench", "layers", "--data", "cifar"));
        bad.put("serve threads", List.of("bench", "serve", "--threads", "0"));
        bad.put("serve seconds", List.of("bench", "serve", "--seconds", "0"));
        bad.put("serve data", List.of("bench", "serve", "--data", "cifar"));
        bad.put("serve model", List.of("bench", "serve", "--model", dir.resolve("none.safetensors").toString()));
        bad.put("serve json", List.of("bench", "serve", "--json", "1"));
        Map<String, Option.Table> tables = Map.of("gemm", BenchCommand.GEMM_OPTIONS, "layers", BenchCommand.LAYERS_OPTIONS,
                "serve", BenchServe.OPTIONS);
        for (Map.Entry<String, Option.Table> t : tables.entrySet()) {
            for (Option o : t.getValue().options()) {
                assertThat(bad).as("bench " + t.getKey() + " --" + o.name() + " has a case")
                        .containsKey(t.getKey() + " " + o.name());
            }
        }
        for (Map.Entry<String, List<String>> b : bad.entrySet()) {
            Run r = run(b.getValue());
            assertThat(r.code()).as(b.getKey() + ": " + r.err()).isEqualTo(2);
            assertThat(r.err().strip().lines()).as(b.getKey()).hasSize(1);
            String opt = b.getKey().substring(b.getKey().indexOf(' ') + 1);
            assertThat(r.err()).as(b.getKey()).doesNotContain("Exception")
                    .containsAnyOf("--" + opt, "none.safetensors", "unexpected argument '1'");
        }
        Run serve = run(List.of("bench", "serve", "--seconds", "0.05", "--threads", "1,2", "--data", "random", "--json"));
        assertThat(serve.code()).as(serve.err()).isZero();
        assertThat(serve.out().lines().toList()).hasSize(2).allSatisfy(l -> assertThat(l)
                .matches("\\{\"threads\":[12],\"latency_p50_us\":[0-9.]+,\"latency_p99_us\":[0-9.]+,\"batch1000_samples_per_s\":[0-9.]+}"));
    }

    /** {@code base} without the options (and their values) that {@code own} names. */
    static List<String> withoutOptions(List<String> base, List<String> own, Option.Table table) {
        Set<String> valued = table.valued();
        List<String> r = new ArrayList<>();
        for (int i = 0; i < base.size(); i++) {
            String a = base.get(i);
            boolean option = a.startsWith("--") && i > 0;
            if (option && own.contains(a)) {
                if (valued.contains(a.substring(2))) {
                    i++;
                }
                continue;
            }
            r.add(a);
        }
        return r;
    }

    static List<String> concat(List<String> a, String... b) {
        List<String> r = new ArrayList<>(a);
        r.addAll(Arrays.asList(b));
        return r;
    }
}
