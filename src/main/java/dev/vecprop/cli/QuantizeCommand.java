package dev.vecprop.cli;

import dev.vecprop.ConfigException;
import dev.vecprop.io.Json;
import dev.vecprop.layer.Layer;
import dev.vecprop.layer.QuantizedLayer;
import dev.vecprop.layer.QuantizedLinear;
import dev.vecprop.layer.Residual;
import dev.vecprop.layer.Sequential;
import dev.vecprop.quant.Calibration;
import dev.vecprop.quant.Quantizer;
import dev.vecprop.train.Checkpoint;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code vecprop quantize --model M --out Q [--activations weight-only|int8] [--calibrate N] [--method minmax|percentile]}:
 * post-training int8 quantization of a float checkpoint (and {@code --dequantize}, back to float).
 */
final class QuantizeCommand {
    private QuantizeCommand() {}

    static final Option.Table OPTIONS = new Option.Table("""
            usage: vecprop quantize --model FILE --out FILE [options]
              Post-training int8 quantization: every Linear and Conv2d gets an int8 weight with one scale per
              output channel (batch norm folded in first, ReLU fused); the result is a safetensors checkpoint
              of I8 weights and F32 scales that eval, predict, bench serve and InferenceSession.load serve.
              --dequantize turns such a file back into a float checkpoint.""")
            .valued("model", "FILE", "the float checkpoint (required)")
            .valued("out", "FILE", "where the quantized checkpoint goes (required)")
            .valued("activations", "A", "weight-only (default: float inputs, measured faster) or int8 (calibrated inputs)")
            .valued("calibrate", "N", "int8 activations: calibrate on the first N training samples (default 1000)")
            .valued("method", "M", "int8 activations: minmax (default) or percentile")
            .valued("percentile", "P", "the percentile of --method percentile (default 99.99)")
            .valued("dataset", "NAME", "calibration data: mnist (default) or fashion-mnist")
            .valued("data", "DIR", "calibration data: any folder with the four IDX files")
            .flag("keep-last-float", "keep the last Linear/Conv2d in float")
            .flag("dequantize", "the reverse: --model is a quantized checkpoint, --out gets float weights")
            .flag("json", "print one JSON line");

    static int run(String[] argv, PrintStream out, PrintStream err) {
        if (argv.length > 0 && argv[0].equals("--help")) {
            out.print(OPTIONS.help());
            return 0;
        }
        Args a = OPTIONS.parse("quantize", argv);
        if (!a.has("model") || !a.has("out")) {
            throw new UsageException("quantize: --model FILE and --out FILE are required");
        }
        Path in = a.path("model");
        Path dst = OutputFile.prepare("quantize", "out", a.path("out"));
        boolean json = a.has("json");
        boolean back = a.has("dequantize");
        String act = a.str("activations", "weight-only");
        QuantizedLinear.Activations activations = switch (act) {
            case "weight-only" -> QuantizedLinear.Activations.FLOAT;
            case "int8" -> QuantizedLinear.Activations.INT8;
            default -> throw new UsageException("quantize: --activations expects weight-only or int8, got '" + act + "'");
        };
        boolean int8 = activations == QuantizedLinear.Activations.INT8;
        if (!int8 && (a.has("calibrate") || a.has("method") || a.has("percentile") || a.has("dataset") || a.has("data"))) {
            throw new UsageException("quantize: --calibrate, --method, --percentile, --dataset and --data calibrate int8 "
                    + "activations: add --activations int8 (weight-only quantization needs no data)");
        }
        if (back && (int8 || a.has("keep-last-float"))) {
            throw new UsageException("quantize: --dequantize takes only --model, --out and --json");
        }
        int samples = a.integer("calibrate", 1000, 1, 1 << 24);
        String method = a.str("method", "minmax");
        Calibration calibration = switch (method) {
            case "minmax" -> Calibration.MINMAX;
            case "percentile" -> Calibration.PERCENTILE;
            default -> throw new UsageException("quantize: --method expects minmax or percentile, got '" + method + "'");
        };
        if (a.has("percentile") && calibration != Calibration.PERCENTILE) {
            throw new UsageException("quantize: --percentile needs --method percentile");
        }
        double percentile = a.real("percentile", 99.99, 0, 100, true);
        String dataset = a.str("dataset", "mnist");
        Path dataDir = a.path("data");
        if (dataDir != null && a.has("dataset")) {
            throw new UsageException("quantize: give --dataset or --data, not both");
        }
        boolean keepLast = a.has("keep-last-float");
        a.requireAllRead();

        ModelFile mf = ModelFile.load("quantize", a, err);
        Map<String, String> meta = new LinkedHashMap<>();
        if (mf.binaryDigit() >= 0) {
            meta.put("vecprop.binary_digit", Integer.toString(mf.binaryDigit()));
        }
        Sequential result;
        try {
            if (back) {
                result = Quantizer.dequantize(mf.model());
            } else {
                Quantizer q = Quantizer.options().activations(activations).keepLastLayerFloat(keepLast);
                if (int8) {
                    q = q.calibrationSamples(samples).calibration(calibration).percentile(percentile);
                    try (DataOptions d = DataOptions.open("quantize", dataset, dataDir, 0, err)) {
                        result = q.quantize(mf.model(), d.train(), mf.normalization());
                    }
                } else {
                    result = q.quantize(mf.model());
                }
                meta.put("vecprop.quantized", int8 ? "int8 weights per output channel, int8 activations (" + method
                        + ", " + samples + " samples)" : "int8 weights per output channel, float activations");
            }
        } catch (ConfigException e) {
            throw new UsageException(e.getMessage());
        }
        Checkpoint.save(dst, result, mf.normalization(), meta);
        long before = size(in);
        long after = size(dst);
        int quantized = count(result.layers());
        if (json) {
            out.println(Json.object().put("model", in.toString()).put("out", dst.toString())
                    .put("mode", back ? "dequantize" : int8 ? "int8" : "weight-only")
                    .put("quantized_layers", quantized).put("bytes_in", before).put("bytes_out", after)
                    .put("size_ratio", Math.round(after * 10000.0 / before) / 10000.0));
        } else {
            out.printf(Locale.ROOT, "%s: %s -> %s, %d quantized layer(s); %,d -> %,d bytes (%.1f%%)%n",
                    back ? "dequantized" : int8 ? "int8 weights + int8 activations" : "int8 weights (weight-only)",
                    in, dst, quantized, before, after, 100.0 * after / before);
            out.println(result.summary());
        }
        return 0;
    }

    private static int count(List<Layer> layers) {
        int n = 0;
        for (Layer l : layers) {
            n += l instanceof QuantizedLayer ? 1 : l instanceof Residual r ? count(r.layers()) : 0;
        }
        return n;
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }
}
