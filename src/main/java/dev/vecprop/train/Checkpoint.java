package dev.vecprop.train;

import dev.vecprop.io.CheckpointException;
import dev.vecprop.io.LibraryVersion;
import dev.vecprop.io.Safetensors;
import dev.vecprop.layer.Sequential;
import dev.vecprop.optim.Optimizer;
import dev.vecprop.tensor.Param;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Model checkpoints as safetensors: tensors under PyTorch {@code nn.Sequential} state_dict names in
 * PyTorch layouts ({@code Linear.weight [out, in]}; {@code num_batches_tracked} as I64), so
 * {@code model.load_state_dict(safetensors.torch.load_file(f))} works, and PyTorch exports load
 * here given their architecture. {@code __metadata__} holds {@code vecprop.arch}, {@code vecprop.version}
 * and, for resumable checkpoints, the training state: epoch, step, seed, optimizer kind and step
 * count, and each optimizer moment (base64 of little-endian float32 in PyTorch layout).
 */
public final class Checkpoint {
    private Checkpoint() {}

    /** The library version written to {@code vecprop.version}: {@link LibraryVersion#get()}. */
    public static final String VERSION = LibraryVersion.get();

    /** Where training stands, saved with the weights. */
    public record TrainState(int epoch, long stepInEpoch, long globalStep, long seed, String optimizer) {}

    /** Writes the model (and, if {@code opt != null}, the training state) atomically. */
    public static void save(Path file, Sequential model, ModelSpec spec, TrainState state, Optimizer opt) {
        save(file, model, spec, state, opt, Map.of());
    }

    /** As {@link #save(Path, Sequential, ModelSpec, TrainState, Optimizer)}, with extra metadata entries. */
    public static void save(Path file, Sequential model, ModelSpec spec, TrainState state, Optimizer opt,
                            Map<String, String> extra) {
        Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
        for (Param p : model.params().all()) {
            long[] shape = Arrays.stream(p.shape()).asLongStream().toArray();
            String dtype = p.name().endsWith("num_batches_tracked") ? "I64" : "F32";
            tensors.put(p.name(), new Safetensors.Tensor(dtype, shape, p.toArray()));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("vecprop.arch", spec.encode());
        meta.put("vecprop.version", VERSION);
        meta.putAll(extra);
        if (state != null) {
            meta.put("vecprop.epoch", Integer.toString(state.epoch()));
            meta.put("vecprop.step_in_epoch", Long.toString(state.stepInEpoch()));
            meta.put("vecprop.global_step", Long.toString(state.globalStep()));
            meta.put("vecprop.seed", Long.toString(state.seed()));
            meta.put("vecprop.optimizer", state.optimizer());
        }
        if (opt != null) {
            meta.put("vecprop.optim.steps", Long.toString(opt.steps()));
            for (Map.Entry<String, float[]> s : opt.stateArrays().entrySet()) {
                for (Param p : model.params().trainable()) {
                    float[] logical = new float[p.numel()];
                    for (int i = 0; i < logical.length; i++) {
                        logical[i] = s.getValue()[p.index(i)];
                    }
                    meta.put("vecprop.optim." + s.getKey() + "." + p.name(), encode(logical));
                }
            }
        }
        Safetensors.write(file, tensors, meta);
    }

    /** Reads a checkpoint file (validated). */
    public static Safetensors.Contents read(Path file) {
        return Safetensors.read(file);
    }

    /** The architecture a checkpoint names, or null if it has none (e.g. a PyTorch export). */
    public static ModelSpec spec(Path file, Safetensors.Contents c) {
        String a = c.metadata().get("vecprop.arch");
        if (a == null) {
            return null;
        }
        try {
            return ModelSpec.decode(a);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file, "vecprop.arch: " + dev.vecprop.io.Json.printable(e.getMessage()));
        }
    }

    /**
     * Copies the tensors into the model after checking that names and shapes match exactly:
     * missing or extra tensors and shape mismatches are errors naming the tensor. Nothing is
     * changed unless everything matches.
     */
    public static void loadInto(Path file, Safetensors.Contents c, Sequential model) {
        Map<String, Safetensors.Tensor> t = c.tensors();
        for (Param p : model.params().all()) {
            Safetensors.Tensor x = t.get(p.name());
            if (x == null) {
                throw new CheckpointException(file, "missing tensor " + p.name() + " " + Arrays.toString(p.shape())
                        + " for the model");
            }
            long[] want = Arrays.stream(p.shape()).asLongStream().toArray();
            if (!Arrays.equals(x.shape(), want)) {
                throw new CheckpointException(file, "tensor " + p.name() + " has shape " + Arrays.toString(x.shape())
                        + ", the model expects " + Arrays.toString(want));
            }
        }
        for (String name : t.keySet()) {
            if (model.params().get(name) == null) {
                throw new CheckpointException(file, "unexpected tensor " + dev.vecprop.io.Json.printable(name)
                        + " (not part of the model)");
            }
        }
        for (Param p : model.params().all()) {
            float[] v = t.get(p.name()).data();
            for (float f : v) {
                if (!Float.isFinite(f)) {
                    throw new CheckpointException(file, "tensor " + p.name() + " holds a non-finite value");
                }
            }
        }
        for (Param p : model.params().all()) {
            p.copyFrom(t.get(p.name()).data(), 0);
        }
    }

    /** A numeric metadata entry (e.g. {@code vecprop.input_mean}), or {@code def} when absent. */
    public static float metadataFloat(Path file, Safetensors.Contents c, String key, float def) {
        String v = c.metadata().get(key);
        if (v == null) {
            return def;
        }
        try {
            return Float.parseFloat(v);
        } catch (NumberFormatException e) {
            throw new CheckpointException(file, "metadata " + key + " is not a number: "
                    + dev.vecprop.io.Json.printable(v));
        }
    }

    /** The training state in the metadata, or null for a weights-only file. */
    public static TrainState state(Path file, Safetensors.Contents c) {
        Map<String, String> m = c.metadata();
        if (!m.containsKey("vecprop.epoch")) {
            return null;
        }
        try {
            return new TrainState(Integer.parseInt(m.get("vecprop.epoch")),
                    Long.parseLong(m.get("vecprop.step_in_epoch")), Long.parseLong(m.get("vecprop.global_step")),
                    Long.parseLong(m.get("vecprop.seed")), m.get("vecprop.optimizer"));
        } catch (RuntimeException e) {
            throw new CheckpointException(file, "malformed training state in __metadata__ ("
                    + dev.vecprop.io.Json.printable(e.getMessage()) + ")");
        }
    }

    /** Restores optimizer moments and step count; errors name the missing or malformed entry. */
    public static void restoreOptimizer(Path file, Safetensors.Contents c, Sequential model, Optimizer opt) {
        Map<String, String> m = c.metadata();
        String steps = m.get("vecprop.optim.steps");
        if (steps == null) {
            throw new CheckpointException(file, "no optimizer state to resume from (saved without training state)");
        }
        for (Map.Entry<String, float[]> s : opt.stateArrays().entrySet()) {
            for (Param p : model.params().trainable()) {
                String key = "vecprop.optim." + s.getKey() + "." + p.name();
                String b64 = m.get(key);
                if (b64 == null) {
                    throw new CheckpointException(file, "missing optimizer state " + key
                            + " (saved with a different optimizer?)");
                }
                float[] v = decode(file, key, b64, p.numel());
                for (int i = 0; i < v.length; i++) {
                    s.getValue()[p.index(i)] = v[i];
                }
            }
        }
        opt.restoreSteps(Long.parseLong(steps));
    }

    static String encode(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return Base64.getEncoder().encodeToString(b.array());
    }

    static float[] decode(Path file, String key, String b64, int n) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file, key + " is not valid base64");
        }
        if (raw.length != 4 * n) {
            throw new CheckpointException(file, key + " holds " + raw.length / 4 + " values, expected " + n);
        }
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = b.getFloat();
        }
        return v;
    }
}
