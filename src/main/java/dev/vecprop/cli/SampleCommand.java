package dev.vecprop.cli;

import dev.vecprop.layer.LayerRegistry;
import dev.vecprop.layer.Sequential;
import dev.vecprop.train.CharLanguageModel;
import dev.vecprop.train.Checkpoint;

import java.io.PrintStream;
import java.nio.file.Path;

/** {@code vecprop sample}: text from a character language model saved by {@code vecprop train-lm --save}. */
final class SampleCommand {
    private SampleCommand() {}

    static final Option.Table OPTIONS = new Option.Table("""
            usage: vecprop sample --model FILE [options]
              Generates text from a character-level language model (vecprop train-lm --save FILE).""")
            .valued("model", "FILE", "the model (required)")
            .valued("length", "N", "characters to generate (default 500)")
            .valued("temperature", "T", "softmax temperature, > 0 (default 0.8; lower is more conservative)")
            .valued("prompt", "TEXT", "text to continue (default: a new line)")
            .valued("seed", "N", "(default 0)");

    static int run(String[] argv, PrintStream out, PrintStream err) {
        if (argv.length > 0 && argv[0].equals("--help")) {
            out.print(OPTIONS.help());
            return 0;
        }
        Args a = OPTIONS.parse("sample", argv);
        Path file = a.path("model");
        if (file == null) {
            throw new UsageException("sample: --model FILE is required (a model saved by vecprop train-lm --save)");
        }
        int length = a.integer("length", 500, 0, 10_000_000);
        double temperature = a.real("temperature", 0.8, 0, 100, true);
        String prompt = a.str("prompt", "");
        long seed = a.longValue("seed", 0, Long.MIN_VALUE, Long.MAX_VALUE);
        a.requireAllRead();
        Sequential model = Checkpoint.load(file, LayerRegistry.builtIn()).model();
        String text;
        try {
            text = CharLanguageModel.sample(model, prompt, length, temperature, seed);
        } catch (dev.vecprop.ConfigException e) {
            throw new UsageException("sample: " + file + ": " + e.getMessage());
        }
        out.print(prompt);
        out.println(text);
        return 0;
    }
}
