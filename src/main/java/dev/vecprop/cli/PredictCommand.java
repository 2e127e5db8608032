package dev.vecprop.cli;

import dev.vecprop.data.IdxFile;
import dev.vecprop.data.InvalidDataException;
import dev.vecprop.io.Json;
import dev.vecprop.train.InferenceSession;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code vecprop predict --model FILE --images FILE [--index 0,5,9] [--top K]}: top-k classes with probabilities. */
final class PredictCommand {
    private PredictCommand() {}

    static final Option.Table OPTIONS = new Option.Table("""
            usage: vecprop predict --model FILE --images IDX_FILE [options]
              Classifies images from an IDX file of unsigned-byte pixels (e.g. data/mnist/t10k-images-idx3-ubyte):
              all of them, or the listed indices; prints the top-K classes (default 3) with probabilities.""")
            .valued("model", "FILE", "the checkpoint (required)")
            .valued("images", "IDX_FILE", "the images (required)")
            .valued("index", "I,J,..", "only these images")
            .valued("top", "K", "classes to list per image (default 3)")
            .valued("arch", "A", "the architecture of a file that records none (a PyTorch nn.Sequential export)")
            .valued("input-mean", "X", "input normalisation (x - X) / S for a file that records none (default 0)")
            .valued("input-std", "S", "(default 1); vecprop's own checkpoints record theirs")
            .flag("json", "one JSON line per image");

    static int run(String[] argv, PrintStream out, PrintStream err) {
        if (argv.length > 0 && argv[0].equals("--help")) {
            out.print(OPTIONS.help());
            return 0;
        }
        Args a = OPTIONS.parse("predict", argv);
        if (!a.has("model") || !a.has("images")) {
            throw new UsageException("predict: --model FILE and --images IDX_FILE are required");
        }
        ModelFile mf = ModelFile.load("predict", a, err);
        InferenceSession session = new InferenceSession(mf.model(), 1, mf.normalization());
        int classes = session.classes();
        int top = a.integer("top", Math.min(3, classes), 1, classes);
        boolean json = a.has("json");
        String index = a.str("index", null);
        a.requireAllRead();
        try (IdxFile img = IdxFile.openImages(a.path("images"))) {
            if (img.itemSize() != session.inputSize()) {
                throw new InvalidDataException(img.path(), "images of " + img.itemSize()
                        + " pixels do not fit the model's " + session.inputSize() + " inputs");
            }
            List<Integer> idx = new ArrayList<>();
            if (index != null) {
                for (String s : index.split(",")) {
                    int i;
                    try {
                        i = Integer.parseInt(s.trim());
                    } catch (NumberFormatException e) {
                        throw new UsageException("predict: --index expects integers like 0,5,9, got '" + s + "'");
                    }
                    if (i < 0 || i >= img.count()) {
                        throw new UsageException("predict: --index " + i + " is outside 0.." + (img.count() - 1));
                    }
                    idx.add(i);
                }
            } else {
                for (int i = 0; i < img.count(); i++) {
                    idx.add(i);
                }
            }
            int f = img.itemSize();
            float[] x = new float[f];
            float[] p = new float[classes];
            for (int i : idx) {
                for (int j = 0; j < f; j++) {
                    x[j] = img.getFloat((long) i * f + j) / 255f;
                }
                if (mf.model().outputShape().size() == 1) {
                    session.probabilities(x, 0, p, 0);
                    out.println(json ? Json.object().put("index", i).put("p_positive", p[1]).toString()
                            : String.format(Locale.ROOT, "%d: positive (digit %d) with p=%.4f", i, mf.binaryDigit(), p[1]));
                } else {
                    List<InferenceSession.Prediction> best = session.topK(x, top);
                    if (json) {
                        Json.ArrayWriter ranked = Json.array();
                        for (InferenceSession.Prediction q : best) {
                            ranked.add(Json.object().put("class", q.label()).put("p", q.probability()));
                        }
                        out.println(Json.object().put("index", i).put("top", ranked));
                    } else {
                        StringBuilder b = new StringBuilder().append(i).append(':');
                        for (InferenceSession.Prediction q : best) {
                            b.append(String.format(Locale.ROOT, "  %d (%.4f)", q.label(), q.probability()));
                        }
                        out.println(b);
                    }
                }
            }
        }
        return 0;
    }
}
