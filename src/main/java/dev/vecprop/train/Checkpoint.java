package dev.vecprop.train;

import dev.vecprop.ConfigException;
import dev.vecprop.data.Normalization;
import dev.vecprop.io.CheckpointException;
import dev.vecprop.io.Json;
import dev.vecprop.io.LibraryVersion;
import dev.vecprop.io.Safetensors;
import dev.vecprop.layer.Layer;
import dev.vecprop.layer.LayerRegistry;
import dev.vecprop.layer.QuantizedLayer;
import dev.vecprop.layer.Residual;
import dev.vecprop.layer.Sequential;
import dev.vecprop.optim.Optimizer;
import dev.vecprop.tensor.Param;
import dev.vecprop.tensor.ParamSpec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Model checkpoints as safetensors files that describe themselves.
 *
 * <p>Tensors carry PyTorch {@code nn.Sequential} state_dict names and layouts ({@code 0.weight [256, 784]},
 * {@code 0.bias}, {@code num_batches_tracked} as I64), so
 * {@code model.load_state_dict(safetensors.torch.load_file(f))} loads a {@link #save}d file.
 * {@code __metadata__} holds {@code vecprop.format} ({@value #FORMAT}), {@code vecprop.version},
 * {@code vecprop.model} (the structure: every layer's {@link dev.vecprop.layer.LayerConfig}, nested
 * blocks included), the input normalisation {@code vecprop.input_mean} / {@code vecprop.input_std},
 * and the caller's entries. {@link #load} rebuilds the model from the file alone (user layers through
 * a {@link LayerRegistry}).
 *
 * <p>A training checkpoint (written by {@link Trainer.Builder#checkpoint}) adds the training state:
 * position, seed, optimizer kind and step count as metadata, and every optimizer moment as an F32
 * tensor named {@code optimizer.<state>.<tensor>} in the tensor's PyTorch layout (e.g.
 * {@code optimizer.exp_avg.0.weight}); load it into PyTorch with {@code strict=False} or export the
 * weights alone with {@link #save}. Files of format 1 (vecprop 0.1: {@code vecprop.arch} and base64
 * optimizer moments in the metadata) still load and resume.
 *
 * <p>Every file is written to a temporary file in the same folder, fsynced and renamed over the
 * old one: a crash leaves the previous checkpoint intact.
 *
 * <p>(A little over 500 lines: the write and the strict read of one format, weights, structure,
 * training state and optimizer moments, kept together so the two sides stay in step.)
 */
public final class Checkpoint {
    private Checkpoint() {}

    /** The library version written to {@code vecprop.version}: {@link LibraryVersion#get()}. */
    public static final String VERSION = LibraryVersion.get();

    /** The checkpoint format this version writes; it reads formats 1 and 2. */
    public static final String FORMAT = "2";

    /** Prefix of the optimizer-state tensors of a training checkpoint. */
    public static final String OPTIMIZER_PREFIX = "optimizer.";

    /**
     * Where training stands, saved with the weights.
     *
     * @param epoch       the epoch to continue with (from 0)
     * @param stepInEpoch steps already done in that epoch
     * @param globalStep  optimizer steps done in total
     * @param seed        the run's seed
     * @param optimizer   the optimizer, as {@code Optimizer.describe()} says
     * @param fit         the settings that shape the schedule and the batches (null in format-1 files)
     */
    public record TrainState(int epoch, long stepInEpoch, long globalStep, long seed, String optimizer, String fit) {}

    /**
     * A model loaded from a checkpoint.
     *
     * @param model         the rebuilt model with the file's weights
     * @param normalization the input normalisation it was trained with
     * @param metadata      all metadata entries of the file
     */
    public record Loaded(Sequential model, Normalization normalization, Map<String, String> metadata) {}

    /**
     * Saves the model's weights and structure, without normalisation or extra metadata.
     *
     * @param file  the file to write (atomically)
     * @param model a model whose layers all have a {@link dev.vecprop.layer.LayerConfig}
     */
    public static void save(Path file, Sequential model) {
        save(file, model, Normalization.NONE, Map.of());
    }

    /**
     * Saves the model's weights and structure: a weights-only file PyTorch loads strictly, which
     * {@link #load} and {@link InferenceSession#load} serve with no other input.
     *
     * @param file          the file to write (atomically)
     * @param model         a model whose layers all have a {@link dev.vecprop.layer.LayerConfig}
     * @param normalization the input normalisation the model expects
     * @param metadata      extra string entries (keys other than {@code vecprop.*} and {@code format})
     * @throws CheckpointException if a layer cannot be described or the file cannot be written
     */
    public static void save(Path file, Sequential model, Normalization normalization, Map<String, String> metadata) {
        dev.vecprop.internal.Require.notNull(file, "save: the file");
        dev.vecprop.internal.Require.notNull(model, "save: the model");
        dev.vecprop.internal.Require.notNull(normalization, "save: the normalization (Normalization.NONE for none)");
        dev.vecprop.internal.Require.notNull(metadata, "save: the metadata (Map.of() for none)");
        String structure;
        try {
            structure = ModelCodec.encode(model);
        } catch (ConfigException e) {
            throw new CheckpointException(file, e.getMessage() + "; or write the tensors alone with Checkpoint.exportWeights");
        }
        write(file, model, structure, normalization, metadata, null, null);
    }

    /**
     * Writes only the tensors under their PyTorch state_dict names (and the normalisation), for a
     * model with layers that have no config; loading needs the same model built by hand ({@link #loadWeights}).
     *
     * @param file          the file to write (atomically)
     * @param model         any model
     * @param normalization the input normalisation the model expects
     */
    public static void exportWeights(Path file, Sequential model, Normalization normalization) {
        dev.vecprop.internal.Require.notNull(file, "exportWeights: the file");
        dev.vecprop.internal.Require.notNull(model, "exportWeights: the model");
        dev.vecprop.internal.Require.notNull(normalization, "exportWeights: the normalization (Normalization.NONE for none)");
        write(file, model, ModelCodec.encodeOrNull(model), normalization, Map.of(), null, null);
    }

    /**
     * Saves a resumable checkpoint: weights, structure (when describable), the training position and
     * the optimizer's state tensors; what {@link Trainer} writes, for callers that run their own
     * loop over {@link TrainingStep}. {@link #restoreTraining} reads it back.
     *
     * @param file          the file to write (atomically)
     * @param model         the model
     * @param normalization the input normalisation the model expects
     * @param metadata      extra string entries (keys other than {@code vecprop.format}, {@code vecprop.model} and {@code format})
     * @param state         where training stands
     * @param opt           the optimizer whose state and step count are saved
     * @throws CheckpointException if the file cannot be written
     * @throws ConfigException     if an argument is null or a metadata key is reserved
     */
    public static void saveTraining(Path file, Sequential model, Normalization normalization, Map<String, String> metadata,
                                    TrainState state, Optimizer opt) {
        dev.vecprop.internal.Require.notNull(state, "saveTraining: the training state");
        dev.vecprop.internal.Require.notNull(opt, "saveTraining: the optimizer");
        write(file, model, ModelCodec.encodeOrNull(model), normalization, metadata, state, opt);
    }

    /**
     * Restores a checkpoint written by {@link #saveTraining} (or a trainer) into a model and an
     * optimizer made for it: the structure must be the model's, then weights, optimizer state and
     * step count are copied (the weights only when every tensor of the model fits).
     *
     * @param file the file (for messages)
     * @param c    its contents, from {@link #read}
     * @param model the model to fill
     * @param opt  the optimizer over {@code model.params()} whose state is restored
     * @return where training stood
     * @throws CheckpointException if the file is weights-only, from another model or optimizer, or malformed
     */
    public static TrainState restoreTraining(Path file, Safetensors.Contents c, Sequential model, Optimizer opt) {
        dev.vecprop.internal.Require.notNull(c, "restoreTraining: the contents");
        dev.vecprop.internal.Require.notNull(model, "restoreTraining: the model");
        dev.vecprop.internal.Require.notNull(opt, "restoreTraining: the optimizer");
        TrainState st = state(file, c);
        if (st == null) {
            throw new CheckpointException(file, "has no training state to resume from (a weights-only file)");
        }
        if (!opt.describe().equals(st.optimizer())) {
            throw new CheckpointException(file, "was trained with " + st.optimizer() + ", this run uses " + opt.describe());
        }
        checkStructure(file, c, model);
        loadInto(file, c, model);
        restoreOptimizer(file, c, model, opt);
        return st;
    }

    private static void write(Path file, Sequential model, String structure, Normalization norm,
                              Map<String, String> extra, TrainState state, Optimizer opt) {
        if (file == null || model == null || norm == null || extra == null) {
            throw new ConfigException("checkpoint: file, model, normalization and metadata must not be null");
        }
        Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
        for (Param p : model.params().all()) {
            long[] shape = Arrays.stream(p.shape()).asLongStream().toArray();
            String dtype = p.spec().storage() == ParamSpec.Storage.INT8 ? "I8"
                    : p.name().endsWith("num_batches_tracked") ? "I64" : "F32";
            tensors.put(p.name(), new Safetensors.Tensor(dtype, shape, p.toArray()));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : extra.entrySet()) {
            if (e.getKey().equals("format") || e.getKey().startsWith("vecprop.format") || e.getKey().equals("vecprop.model")) {
                throw new ConfigException("checkpoint metadata key " + e.getKey() + " is reserved");
            }
        }
        meta.put("format", "pt");
        meta.putAll(extra);
        meta.put("vecprop.format", FORMAT);
        meta.put("vecprop.version", VERSION);
        if (structure != null) {
            meta.put("vecprop.model", structure);
        }
        meta.put("vecprop.input_mean", Float.toString(norm.mean()));
        meta.put("vecprop.input_std", Float.toString(norm.std()));
        if (state != null) {
            meta.put("vecprop.epoch", Integer.toString(state.epoch()));
            meta.put("vecprop.step_in_epoch", Long.toString(state.stepInEpoch()));
            meta.put("vecprop.global_step", Long.toString(state.globalStep()));
            meta.put("vecprop.seed", Long.toString(state.seed()));
            meta.put("vecprop.optimizer", state.optimizer());
            if (state.fit() != null) {
                meta.put("vecprop.fit", state.fit());
            }
        }
        if (opt != null) {
            meta.put("vecprop.optim.steps", Long.toString(opt.steps()));
            for (Map.Entry<String, float[]> s : opt.stateArrays().entrySet()) {
                for (Param p : model.params().trainable()) {
                    float[] logical = new float[p.numel()];
                    for (int i = 0; i < logical.length; i++) {
                        logical[i] = s.getValue()[p.index(i)];
                    }
                    long[] shape = Arrays.stream(p.shape()).asLongStream().toArray();
                    tensors.put(OPTIMIZER_PREFIX + s.getKey() + "." + p.name(), new Safetensors.Tensor("F32", shape, logical));
                }
            }
        }
        Safetensors.write(file, tensors, meta);
    }

    /**
     * Loads a checkpoint of library layers: the model is rebuilt from the file's structure.
     *
     * @param file a checkpoint written by {@link #save} or a trainer
     * @return the model, its normalisation and metadata
     * @throws CheckpointException naming the file and what is missing or malformed
     */
    public static Loaded load(Path file) {
        return load(file, LayerRegistry.builtIn());
    }

    /**
     * Loads a checkpoint whose model may contain user layers, made by {@code registry}.
     *
     * @param file     a checkpoint
     * @param registry factories for every layer type in the file
     * @return the model, its normalisation and metadata
     * @throws CheckpointException naming the file and what is missing or malformed
     */
    public static Loaded load(Path file, LayerRegistry registry) {
        dev.vecprop.internal.Require.notNull(registry, "load: the layer registry");
        Safetensors.Contents c = read(file);
        Sequential m = buildModel(file, c, registry);
        loadInto(file, c, m);
        return new Loaded(m, normalization(file, c), c.metadata());
    }

    /**
     * Copies a checkpoint's weights into a model built by hand (e.g. for a PyTorch export, or a
     * model with user layers exported with {@link #exportWeights}). If the file records a structure,
     * it must be the model's.
     *
     * @param file  a checkpoint
     * @param model the model to fill
     * @return the file's input normalisation
     * @throws CheckpointException naming the tensor or layer that does not match
     */
    public static Normalization loadWeights(Path file, Sequential model) {
        dev.vecprop.internal.Require.notNull(model, "loadWeights: the model");
        Safetensors.Contents c = read(file);
        checkStructure(file, c, model);
        loadInto(file, c, model);
        return normalization(file, c);
    }

    /**
     * Reads and validates a checkpoint file (tensors and metadata; no model yet).
     *
     * @param file a safetensors checkpoint
     * @return its tensors and metadata
     * @throws CheckpointException if the file cannot be read, is not valid safetensors, or records a
     *                             checkpoint format this version does not read
     */
    public static Safetensors.Contents read(Path file) {
        dev.vecprop.internal.Require.notNull(file, "the checkpoint file");
        Safetensors.Contents c = Safetensors.read(file);
        String f = c.metadata().get("vecprop.format");
        if (f != null && !f.equals(FORMAT)) {
            throw new CheckpointException(file, "checkpoint format " + Json.printable(f) + " (vecprop "
                    + Json.printable(c.metadata().getOrDefault("vecprop.version", "?")) + "); this version reads formats 1 and "
                    + FORMAT);
        }
        return c;
    }

    /** Whether the file records how to build its model (a structure, or a format-1 architecture). */
    static boolean describesModel(Safetensors.Contents c) {
        return c.metadata().containsKey("vecprop.model") || c.metadata().containsKey("vecprop.arch");
    }

    /** The model a checkpoint describes: its structure (format 2) or architecture string (format 1). */
    static Sequential buildModel(Path file, Safetensors.Contents c, LayerRegistry registry) {
        String structure = c.metadata().get("vecprop.model");
        try {
            if (structure != null) {
                return ModelCodec.decode(structure, registry);
            }
            String arch = c.metadata().get("vecprop.arch");
            if (arch != null) {
                return ModelSpec.decode(arch).build();
            }
        } catch (RuntimeException e) {
            throw new CheckpointException(file, (structure != null ? "vecprop.model: " : "vecprop.arch: ")
                    + Json.printable(e.getMessage()));
        }
        throw new CheckpointException(file, "records no model structure (no vecprop.model metadata; a PyTorch export?): "
                + "build the model and load its weights with Checkpoint.loadWeights");
    }

    static void checkStructure(Path file, Safetensors.Contents c, Sequential model) {
        String saved = c.metadata().get("vecprop.model");
        if (saved == null) {
            return;
        }
        String mine = ModelCodec.encodeOrNull(model);
        if (mine == null) {
            return;
        }
        Object a;
        try {
            a = Json.parse(saved);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file, "vecprop.model: " + Json.printable(e.getMessage()));
        }
        if (!a.equals(Json.parse(mine))) {
            throw new CheckpointException(file, "was saved from a different model: " + ModelCodec.difference(model, saved));
        }
    }

    /**
     * Copies the tensors into the model after checking that names and shapes match exactly:
     * missing or extra tensors and shape mismatches are errors naming the tensor. Optimizer-state
     * tensors ({@value #OPTIMIZER_PREFIX}...) are skipped. Nothing is changed unless everything matches.
     */
    static void loadInto(Path file, Safetensors.Contents c, Sequential model) {
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
            boolean int8 = p.spec().storage() == ParamSpec.Storage.INT8;
            if (int8 != x.dtype().equals("I8")) {
                throw new CheckpointException(file, "tensor " + p.name() + " is " + x.dtype() + ", the model expects "
                        + (int8 ? "I8 (a quantized weight)" : "floating-point values")
                        + (int8 ? "" : " (an int8-quantized checkpoint? load it with Checkpoint.load, which builds the"
                        + " quantized model it describes, or dequantize it with vecprop quantize --dequantize)"));
            }
        }
        for (String name : t.keySet()) {
            if (model.params().get(name) == null && !name.startsWith(OPTIMIZER_PREFIX)) {
                throw new CheckpointException(file, "unexpected tensor " + Json.printable(name)
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
        try {
            prepareQuantized(model.layers());
        } catch (dev.vecprop.ConfigException e) {
            throw new CheckpointException(file, e.getMessage());
        }
    }

    /** Lets every quantized layer check its int8 values and scales now, while the file is known. */
    private static void prepareQuantized(List<Layer> layers) {
        for (Layer l : layers) {
            if (l instanceof QuantizedLayer q) {
                q.prepare();
            } else if (l instanceof Residual r) {
                prepareQuantized(r.layers());
            }
        }
    }

    /** The file's input normalisation (none when it records none). */
    static Normalization normalization(Path file, Safetensors.Contents c) {
        float mean = metadataFloat(file, c, "vecprop.input_mean", 0f);
        float std = metadataFloat(file, c, "vecprop.input_std", 1f);
        try {
            return new Normalization(mean, std);
        } catch (ConfigException e) {
            throw new CheckpointException(file, "vecprop.input_mean/std: " + e.getMessage());
        }
    }

    /** A numeric metadata entry (e.g. {@code vecprop.input_mean}), or {@code def} when absent. */
    static float metadataFloat(Path file, Safetensors.Contents c, String key, float def) {
        String v = c.metadata().get(key);
        if (v == null) {
            return def;
        }
        try {
            float f = Float.parseFloat(v);
            if (!Float.isFinite(f)) {
                throw new NumberFormatException();
            }
            return f;
        } catch (NumberFormatException e) {
            throw new CheckpointException(file, "metadata " + key + " is not a finite number: " + Json.printable(v));
        }
    }

    /**
     * The training state in the metadata.
     *
     * @param file the file (for messages)
     * @param c    its contents
     * @return the state, or null for a weights-only file
     */
    public static TrainState state(Path file, Safetensors.Contents c) {
        Map<String, String> m = c.metadata();
        if (!m.containsKey("vecprop.epoch")) {
            return null;
        }
        int epoch = (int) stateNumber(file, m, "vecprop.epoch", Integer.MAX_VALUE);
        long stepInEpoch = stateNumber(file, m, "vecprop.step_in_epoch", Long.MAX_VALUE);
        long globalStep = stateNumber(file, m, "vecprop.global_step", Long.MAX_VALUE);
        String seed = m.get("vecprop.seed");
        long parsedSeed;
        try {
            parsedSeed = Long.parseLong(seed == null ? "" : seed);
        } catch (NumberFormatException e) {
            throw new CheckpointException(file, "training state: vecprop.seed is " + (seed == null ? "missing"
                    : "not an integer: " + Json.printable(seed)));
        }
        String optimizer = m.get("vecprop.optimizer");
        if (optimizer == null || optimizer.isBlank()) {
            throw new CheckpointException(file, "training state: vecprop.optimizer is missing (which optimizer made the moments?)");
        }
        return new TrainState(epoch, stepInEpoch, globalStep, parsedSeed, optimizer, m.get("vecprop.fit"));
    }

    /** A training-state counter: present, an integer, in [0, max]; else a one-line error naming it. */
    private static long stateNumber(Path file, Map<String, String> m, String key, long max) {
        String v = m.get(key);
        if (v == null) {
            throw new CheckpointException(file, "training state: " + key + " is missing");
        }
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new CheckpointException(file, "training state: " + key + " is not an integer: " + Json.printable(v));
        }
        if (n < 0 || n > max) {
            throw new CheckpointException(file, "training state: " + key + " is " + n + ", expected 0.." + max);
        }
        return n;
    }

    /** Where two fit signatures ({@code key=value; ...}) differ, as "key=a (this fit: key=b)". */
    static String difference(String saved, String now) {
        String[] a = saved.split("; ");
        String[] b = now.split("; ");
        StringBuilder r = new StringBuilder();
        for (String x : a) {
            String key = x.contains("=") ? x.substring(0, x.indexOf('=')) : x;
            String other = null;
            for (String y : b) {
                if (y.startsWith(key + "=")) {
                    other = y;
                }
            }
            if (!x.equals(other)) {
                r.append(r.isEmpty() ? "" : ", ").append(x).append(" (this fit: ").append(other == null ? "none" : other).append(')');
            }
        }
        return r.isEmpty() ? "other settings" : r.toString();
    }

    /** Restores optimizer moments and step count; errors name the missing or malformed entry. */
    static void restoreOptimizer(Path file, Safetensors.Contents c, Sequential model, Optimizer opt) {
        Map<String, String> m = c.metadata();
        String steps = m.get("vecprop.optim.steps");
        if (steps == null) {
            throw new CheckpointException(file, "no optimizer state to resume from (saved without training state)");
        }
        long n;
        try {
            n = Long.parseLong(steps);
        } catch (NumberFormatException e) {
            throw new CheckpointException(file, "vecprop.optim.steps is not an integer: " + Json.printable(steps));
        }
        if (n < 0) {
            throw new CheckpointException(file, "vecprop.optim.steps is " + n + ", expected a count of optimizer steps >= 0");
        }
        boolean format1 = !m.containsKey("vecprop.format");
        for (Map.Entry<String, float[]> s : opt.stateArrays().entrySet()) {
            for (Param p : model.params().trainable()) {
                float[] v;
                if (format1) {
                    String key = "vecprop.optim." + s.getKey() + "." + p.name();
                    String b64 = m.get(key);
                    if (b64 == null) {
                        throw new CheckpointException(file, "missing optimizer state " + key
                                + " (saved with a different optimizer?)");
                    }
                    v = decode(file, key, b64, p.numel());
                } else {
                    String name = OPTIMIZER_PREFIX + s.getKey() + "." + p.name();
                    Safetensors.Tensor t = c.tensors().get(name);
                    if (t == null) {
                        throw new CheckpointException(file, "missing optimizer tensor " + name
                                + " (saved with a different optimizer?)");
                    }
                    if (t.data().length != p.numel()) {
                        throw new CheckpointException(file, "optimizer tensor " + name + " holds " + t.data().length
                                + " values, expected " + p.numel());
                    }
                    v = t.data();
                }
                for (float f : v) {
                    if (!Float.isFinite(f)) {
                        throw new CheckpointException(file, "optimizer state " + s.getKey() + " of " + p.name()
                                + " holds a non-finite value");
                    }
                }
                for (int i = 0; i < v.length; i++) {
                    s.getValue()[p.index(i)] = v[i];
                }
            }
        }
        opt.restoreSteps(n);
    }

    private static float[] decode(Path file, String key, String b64, int n) {
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
