package dev.vecprop.cli;

import dev.vecprop.data.Normalization;
import dev.vecprop.io.Safetensors;
import dev.vecprop.layer.LayerRegistry;
import dev.vecprop.layer.Sequential;
import dev.vecprop.train.Checkpoint;

import java.nio.file.Path;

/**
 * A checkpoint loaded for eval/predict: its model, name, input normalisation and binary digit.
 * {@code --arch} builds the model of a file that records none (a PyTorch export); {@code --input-mean}
 * and {@code --input-std} give the normalisation of a file that records none.
 */
record ModelFile(Sequential model, String name, Normalization normalization, int binaryDigit) {

    static ModelFile load(String cmd, Args a, java.io.PrintStream err) {
        Path file = a.path("model");
        String arch = a.str("arch", null);
        boolean hasMean = a.has("input-mean");
        boolean hasStd = a.has("input-std");
        double mean = a.real("input-mean", 0, -1e6, 1e6, false);
        double std = a.real("input-std", 1, 0, 1e6, true);
        Safetensors.Contents c = Checkpoint.read(file);
        boolean describes = c.metadata().containsKey("vecprop.model") || c.metadata().containsKey("vecprop.arch");
        Sequential m;
        String name;
        if (arch != null) {
            if (describes) {
                throw new UsageException(cmd + ": " + file + " records its model; --arch is for files that record none");
            }
            m = CheckpointModels.fromArch(cmd, arch);
            name = arch;
            Checkpoint.loadWeights(file, m);
        } else {
            m = CheckpointModels.build(file, c, LayerRegistry.builtIn());
            name = CheckpointModels.name(c);
        }
        Normalization norm = Checkpoint.loadWeights(file, m);
        boolean recorded = c.metadata().containsKey("vecprop.input_mean") || c.metadata().containsKey("vecprop.input_std");
        if (hasMean || hasStd) {
            if (recorded) {
                throw new UsageException(cmd + ": " + file + " records its input normalisation (mean " + norm.mean()
                        + ", std " + norm.std() + "); --input-mean/--input-std are for files that record none");
            }
            norm = new Normalization((float) mean, (float) std);
        } else if (!recorded) {
            err.println("vecprop: note: " + file + " records no input normalisation; the inputs are used as they are"
                    + " (give --input-mean/--input-std as in training)");
        }
        String digit = c.metadata().get("vecprop.binary_digit");
        int binary = -1;
        if (digit != null) {
            try {
                binary = Integer.parseInt(digit);
            } catch (NumberFormatException e) {
                throw new dev.vecprop.io.CheckpointException(file, "metadata vecprop.binary_digit is not an integer: "
                        + dev.vecprop.io.Json.printable(digit));
            }
        }
        return new ModelFile(m, name, norm, binary);
    }
}
