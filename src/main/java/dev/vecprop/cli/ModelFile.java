package dev.vecprop.cli;

import dev.vecprop.io.Safetensors;
import dev.vecprop.layer.Sequential;
import dev.vecprop.train.Checkpoint;
import dev.vecprop.train.ModelSpec;

import java.nio.file.Path;

/** A checkpoint loaded for eval/predict: its model, architecture, input normalisation, binary digit. */
record ModelFile(Sequential model, ModelSpec spec, float mean, float std, int binaryDigit) {

    static ModelFile load(Path file, String archOverride) {
        Safetensors.Contents c = Checkpoint.read(file);
        ModelSpec spec = Checkpoint.spec(file, c);
        if (archOverride != null) {
            spec = ModelSpec.parse(archOverride, "relu", 0, false);
        }
        if (spec == null) {
            throw new UsageException("eval: " + file + " has no vecprop.arch metadata (a PyTorch export?): "
                    + "pass --arch, e.g. --arch 784-256-128-10");
        }
        Sequential m = spec.build();
        Checkpoint.loadInto(file, c, m);
        float mean = Checkpoint.metadataFloat(file, c, "vecprop.input_mean", 0f);
        float std = Checkpoint.metadataFloat(file, c, "vecprop.input_std", 1f);
        int binary = (int) Checkpoint.metadataFloat(file, c, "vecprop.binary_digit", -1f);
        return new ModelFile(m, spec, mean, std, binary);
    }
}
