package dev.vecprop.cli;

import dev.vecprop.io.Safetensors;
import dev.vecprop.layer.LayerRegistry;
import dev.vecprop.layer.Sequential;
import dev.vecprop.train.Checkpoint;
import dev.vecprop.train.ModelSpec;

import java.nio.file.Path;

/** The CLI's view of a checkpoint's model: built from the file, or from {@code --arch} for a PyTorch export. */
final class CheckpointModels {
    private CheckpointModels() {}

    /** The model the file describes; a usage error naming --arch when it describes none. */
    static Sequential build(Path file, Safetensors.Contents c, LayerRegistry registry) {
        if (!c.metadata().containsKey("vecprop.model") && !c.metadata().containsKey("vecprop.arch")) {
            throw new UsageException(file + " records no model structure (a PyTorch export?): pass --arch, e.g. --arch 784-256-128-10");
        }
        return Checkpoint.load(file, registry).model();
    }

    /** A one-line name for the file's model. */
    static String name(Safetensors.Contents c) {
        String d = c.metadata().get("vecprop.description");
        String arch = c.metadata().get("vecprop.arch");
        return d != null ? dev.vecprop.io.Json.printable(d) : arch != null ? dev.vecprop.io.Json.printable(arch) : "model from checkpoint";
    }

    /** The model of a {@code --arch} spelling. */
    static Sequential fromArch(String cmd, String arch) {
        try {
            return ModelSpec.parse(arch, "relu", 0, false).build();
        } catch (RuntimeException e) {
            throw new UsageException(cmd + ": --arch: " + e.getMessage());
        }
    }
}
