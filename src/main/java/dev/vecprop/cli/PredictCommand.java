package dev.vecprop.cli;

import dev.vecprop.data.IdxFile;
import dev.vecprop.data.InvalidDataException;
import dev.vecprop.kernel.ActivationsRef;
import dev.vecprop.kernel.RowSoftmax;
import dev.vecprop.layer.Context;
import dev.vecprop.layer.Workspace;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** {@code vecprop predict --model FILE --images FILE [--index 0,5,9] [--top K]}: top-k classes with probabilities. */
final class PredictCommand {
    private PredictCommand() {}

    static final String HELP = """
            usage: vecprop predict --model FILE --images IDX_FILE [--index I,J,..] [--top K] [--json]
              Classifies images from an IDX file (u8 pixels, e.g. data/mnist/t10k-images-idx3-ubyte): all of
              them, or the listed indices; prints the top-K classes (default 3) with probabilities.""";

    static int run(String[] argv, PrintStream out, PrintStream err) {
        if (argv.length > 0 && argv[0].equals("--help")) {
            out.println(HELP);
            return 0;
        }
        Args a = new Args("predict", argv, Set.of("json"), Set.of("model", "images", "index", "top", "arch"));
        if (!a.has("model") || !a.has("images")) {
            throw new UsageException("predict: --model FILE and --images IDX_FILE are required");
        }
        ModelFile mf = ModelFile.load(a.path("model"), a.str("arch", null));
        int outputs = mf.spec().outputs();
        int top = a.integer("top", Math.min(3, outputs), 1, Math.max(1, outputs));
        boolean json = a.has("json");
        try (IdxFile img = IdxFile.open(a.path("images"))) {
            if (img.itemSize() != mf.spec().inputs()) {
                throw new InvalidDataException(img.path(), "images of " + img.itemSize()
                        + " pixels do not fit the model's " + mf.spec().inputs() + " inputs");
            }
            List<Integer> idx = new ArrayList<>();
            if (a.has("index")) {
                for (String s : a.str("index", "").split(",")) {
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
            Workspace ws = mf.model().workspace(1);
            float[] x = new float[f];
            float[] p = new float[outputs];
            Context ctx = Context.inference();
            float scale = img.type() == IdxFile.Type.U8 ? 1f / 255f : 1f;
            for (int i : idx) {
                for (int j = 0; j < f; j++) {
                    x[j] = (img.getFloat((long) i * f + j) * scale - mf.mean()) / mf.std();
                }
                int yo = mf.model().forward(ctx, ws, x, 0, 1);
                StringBuilder b = new StringBuilder();
                if (outputs == 1) {
                    float q = ActivationsRef.sigmoid(ws.data()[yo]);
                    b.append(json ? String.format(Locale.ROOT, "{\"index\":%d,\"p_positive\":%s}", i, q)
                            : String.format(Locale.ROOT, "%d: positive (digit %d) with p=%.4f", i, mf.binaryDigit(), q));
                } else {
                    RowSoftmax.softmax(ws.data(), yo, p, 0, 1, outputs);
                    boolean[] used = new boolean[outputs];
                    b.append(json ? "{\"index\":" + i + ",\"top\":[" : i + ":");
                    for (int k = 0; k < top; k++) {
                        int best = -1;
                        for (int j = 0; j < outputs; j++) {
                            if (!used[j] && (best < 0 || p[j] > p[best])) {
                                best = j;
                            }
                        }
                        used[best] = true;
                        b.append(json ? String.format(Locale.ROOT, "%s{\"class\":%d,\"p\":%s}", k == 0 ? "" : ",", best, p[best])
                                : String.format(Locale.ROOT, "  %d (%.4f)", best, p[best]));
                    }
                    if (json) {
                        b.append("]}");
                    }
                }
                out.println(b);
            }
        }
        return 0;
    }
}
