package dev.vecprop.layer;

import dev.vecprop.kernel.Epilogue;
import dev.vecprop.tensor.ParamSpec;
import dev.vecprop.tensor.ParameterStore;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A built list of layers and the chain rule over them: {@link #forward} calls the layers in order,
 * {@link #backward} in reverse. Used by {@link Sequential} and {@link Residual}.
 *
 * <p>Workspace for a batch B, from offset wo: one block per layer i,
 * {@code [act_i (B*out_i) | grad_i (B*out_i) | layer scratch_i]}, where act_i is layer i's output
 * and grad_i is dL/d(act_i). Offsets are recomputed from B on every call (no per-call state), so
 * threads with their own workspaces can share one chain.
 *
 * <p>Fusions: a {@link Linear} or {@link Conv2d} directly followed by a {@link ReLU} runs as GEMMs
 * with a bias+ReLU epilogue writing the ReLU's output (the layer's own output block stays unwritten:
 * neither backward reads it); in backward, a {@link Linear} whose input comes
 * from a {@link ReLU} writes the gradient at that ReLU's input directly (ReLU-mask epilogue), and so
 * do a {@link Conv2d} (the mask applied to each sample's input gradient in cache) and a
 * {@link MaxPool2d} (the mask on the pooled outputs); the ReLU's backward pass is skipped. A
 * {@link Flatten} between two layers is a view: the next layer reads its input's block and writes
 * its input gradient where the Flatten's would go, which is the gradient the layer before reads, so
 * neither pass copies (the Flatten's own output block stays unwritten). Every fused path gives the
 * unfused path's bits.
 */
final class Chain {
    /** Layers built into some model (weakly held): a layer instance belongs to one model. */
    private static final java.util.Map<Layer, Boolean> OWNED =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    private final Layer[] layers;
    private final int[] outSizes;
    private final boolean[] fuseForward;   // layer i is a Linear followed by a ReLU
    private final boolean[] fuseBackward;  // layer i is a Linear preceded by a ReLU
    private final boolean[] reluInput;     // layer i is a Conv2d or MaxPool2d preceded by a ReLU
    private final boolean[] view;          // layer i is a Flatten between two layers: no copy
    private final Shape input;
    private final Shape output;
    private final Epilogue[] maskEpilogues; // benign-race cache, one per layer
    private boolean profiled;               // the model's top-level chain: reports to ctx.profile()

    Chain(Shape input, List<Layer> list, String namePrefix) {
        if (list.isEmpty()) {
            throw new ShapeException("a model needs at least one layer");
        }
        this.input = input;
        this.layers = list.toArray(new Layer[0]);
        int n = layers.length;
        java.util.Set<Layer> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (int i = 0; i < n; i++) {
            Layer l = layers[i];
            if (l == null) {
                throw new ShapeException("layer " + namePrefix + i + " is null");
            }
            if (!seen.add(l)) {
                throw new ShapeException("layer " + namePrefix + i + " " + l.describe()
                        + " appears twice in the model; make a new instance for each place");
            }
            if (OWNED.containsKey(l)) {
                throw new ShapeException("layer " + namePrefix + i + " " + l.describe()
                        + " already belongs to another model; make a new instance for each model");
            }
        }
        outSizes = new int[n];
        Shape s = input;
        for (int i = 0; i < n; i++) {
            Layer l = layers[i];
            try {
                s = l.build(s);
            } catch (ShapeException e) {
                String from = i == 0 ? "the model input is " + input
                        : "layer " + namePrefix + (i - 1) + " " + layers[i - 1].describe() + " outputs " + s;
                throw new ShapeException("layer " + namePrefix + i + " " + l.describe() + ": "
                        + e.getMessage() + "; " + from);
            }
            outSizes[i] = s.size();
        }
        output = s;
        for (Layer l : layers) {
            OWNED.put(l, Boolean.TRUE);
        }
        fuseForward = new boolean[n];
        fuseBackward = new boolean[n];
        for (int i = 0; i < n; i++) {
            fuseForward[i] = (layers[i] instanceof Linear || layers[i] instanceof Conv2d)
                    && i + 1 < n && layers[i + 1] instanceof ReLU;
            // (a Linear on a sequence reads its input as B*T rows: the mask's row pitch would differ)
            fuseBackward[i] = layers[i] instanceof Linear && i >= 1 && layers[i - 1] instanceof ReLU
                    && layers[i].inputShape().rank() == 1;
        }
        reluInput = new boolean[n];
        view = new boolean[n];
        for (int i = 0; i < n; i++) {
            reluInput[i] = (layers[i] instanceof Conv2d || layers[i] instanceof MaxPool2d)
                    && i >= 1 && layers[i - 1] instanceof ReLU;
            view[i] = layers[i] instanceof Flatten && i >= 1 && i + 1 < n;
        }
        maskEpilogues = new Epilogue[n];
    }

    Shape inputShape() {
        return input;
    }

    Shape outputShape() {
        return output;
    }

    List<Layer> layers() {
        return List.of(layers);
    }

    /** Specs of all tensors, full names {@code prefix + i + "." + local}. */
    Map<String, ParamSpec> specs(String prefix) {
        Map<String, ParamSpec> m = new LinkedHashMap<>();
        for (int i = 0; i < layers.length; i++) {
            String p = prefix + i + ".";
            if (layers[i] instanceof Residual r) {
                m.putAll(r.chain().specs(p));
            } else {
                for (ParamSpec s : layers[i].paramSpecs()) {
                    if (m.put(p + s.name(), s) != null) {
                        throw new dev.vecprop.ConfigException("duplicate tensor name " + p + s.name() + ": a layer's parameters need distinct names");
                    }
                }
            }
        }
        return m;
    }

    void bind(String prefix, ParameterStore store) {
        for (int i = 0; i < layers.length; i++) {
            layers[i].bind(prefix + i + ".", store);
        }
    }

    void initialize(SplittableRandom rnd) {
        for (Layer l : layers) {
            l.initialize(rnd);
        }
    }

    /** Assigns ids depth-first from {@code next}; returns the next free id. */
    int assignIds(int next) {
        for (Layer l : layers) {
            l.assignId(next++);
            if (l instanceof Residual r) {
                next = r.chain().assignIds(next);
            }
        }
        return next;
    }

    private int blockSize(int i, int batch) {
        return 2 * batch * outSizes[i] + layers[i].workspaceSize(batch);
    }

    int workspaceSize(int batch) {
        long n = 0;
        for (int i = 0; i < layers.length; i++) {
            n += 2L * batch * outSizes[i] + layers[i].workspaceSize(batch);
            if (n > Integer.MAX_VALUE - 64) {
                throw new ShapeException("a workspace for batches of " + batch + " needs more floats than one Java array holds");
            }
        }
        return (int) n;
    }

    /** Marks this chain as the model's own (not a residual branch): it reports per-layer times. */
    void profiled(boolean on) {
        this.profiled = on;
    }

    /** Offset of the final output within the workspace. */
    int outputOffset(int batch, int wo) {
        return wo + workspaceSize(batch) - blockSize(layers.length - 1, batch);
    }

    /** {@code x (B, in) -> act_last (B, out)} at {@link #outputOffset}. */
    void forward(Context ctx, int batch, float[] x, int xo, float[] ws, int wo) {
        float[] in = x;
        int io = xo;
        int o = wo;
        LayerProfile prof = profiled ? ctx.profile() : null;
        for (int i = 0; i < layers.length; i++) {
            long t0 = prof == null ? 0 : System.nanoTime();
            int act = o;
            int scratch = act + 2 * batch * outSizes[i];
            int next = scratch + layers[i].workspaceSize(batch);
            if (view[i]) { // the next layer reads this one's input
                o = next;
                continue;
            }
            if (fuseForward[i]) {
                // Linear/Conv2d i + ReLU i+1 as GEMMs with a ReLU epilogue, written into the ReLU's output block.
                int reluAct = next;
                if (layers[i] instanceof Linear lin) {
                    lin.forward(ctx, batch, in, io, ws, reluAct, true);
                } else {
                    ((Conv2d) layers[i]).forward(ctx, batch, in, io, ws, reluAct, ws, scratch, true);
                }
                in = ws;
                io = reluAct;
                o = next + blockSize(i + 1, batch);
                if (prof != null) {
                    prof.forward(i, System.nanoTime() - t0);
                }
                i++;
                continue;
            }
            layers[i].forward(ctx, batch, in, io, ws, act, ws, scratch);
            if (prof != null) {
                prof.forward(i, System.nanoTime() - t0);
            }
            in = ws;
            io = act;
            o = next;
        }
    }

    /**
     * Backward through the chain: {@code dy} is dL/d(output) (B, out); writes dL/d(input) to
     * {@code dx} (skipped when null) and accumulates parameter gradients.
     */
    void backward(Context ctx, int batch, float[] x, int xo, float[] ws, int wo,
                  float[] dy, int dyo, float[] dx, int dxo) {
        int end = wo + workspaceSize(batch);
        int i = layers.length - 1;
        int blockStart = end - blockSize(i, batch);
        float[] g = dy;
        int go = dyo;
        LayerProfile prof = profiled ? ctx.profile() : null;
        while (i >= 0) {
            long t0 = prof == null ? 0 : System.nanoTime();
            int prevStart = i > 0 ? blockStart - blockSize(i - 1, batch) : -1;
            if (view[i]) { // the next layer wrote dL/d(input) where this one's output gradient is: g goes on
                i--;
                blockStart = prevStart;
                continue;
            }
            // input of layer i: act_j of the nearest layer j < i that is not a view, or the chain input
            int j = i - 1;
            int io = prevStart;
            while (j >= 0 && view[j]) {
                j--;
                io = j >= 0 ? io - blockSize(j, batch) : -1;
            }
            float[] in = j >= 0 ? ws : x;
            io = j >= 0 ? io : xo;
            int act = blockStart;
            int scratch = act + 2 * batch * outSizes[i];
            if (reluInput[i]) {
                // Conv2d/MaxPool2d i whose input is ReLU i-1's output: dx lands at ReLU i-1's input.
                int prevPrevStart = i > 1 ? prevStart - blockSize(i - 2, batch) : -1;
                float[] target = i > 1 ? ws : dx;
                int to = i > 1 ? prevPrevStart + batch * outSizes[i - 2] : dxo;
                if (layers[i] instanceof Conv2d conv) {
                    conv.backward(ctx, batch, in, io, ws, act, g, go, target, to, ws, scratch, true);
                } else {
                    ((MaxPool2d) layers[i]).backward(ctx, batch, in, io, ws, act, g, go, target, to, ws, scratch, true);
                }
                if (prof != null) {
                    prof.backward(i, System.nanoTime() - t0);
                }
                g = target;
                go = to;
                i -= 2;
                blockStart = prevPrevStart;
                continue;
            }
            if (fuseBackward[i]) {
                // Linear i whose input is ReLU i-1's output: dx lands at ReLU i-1's input.
                int prevPrevStart = i > 1 ? prevStart - blockSize(i - 2, batch) : -1;
                float[] target = i > 1 ? ws : dx;
                int to = i > 1 ? prevPrevStart + batch * outSizes[i - 2] : dxo;
                Epilogue mask = target == null ? Epilogue.NONE : maskEpilogue(i, ws, io, batch);
                ((Linear) layers[i]).backward(ctx, batch, in, io, g, go, target, to, mask);
                if (prof != null) {
                    prof.backward(i, System.nanoTime() - t0);
                }
                g = target;
                go = to;
                i -= 2;
                blockStart = prevPrevStart;
                continue;
            }
            float[] target = i > 0 ? ws : dx;
            int to = i > 0 ? prevStart + batch * outSizes[i - 1] : dxo;
            layers[i].backward(ctx, batch, in, io, ws, act, g, go, target, to, ws, scratch);
            if (prof != null) {
                prof.backward(i, System.nanoTime() - t0);
            }
            g = target;
            go = to;
            i--;
            blockStart = prevStart;
        }
    }

    private Epilogue maskEpilogue(int i, float[] ws, int off, int batch) {
        int ld = outSizes[i - 1];
        Epilogue e = maskEpilogues[i];
        if (e == null || !e.isReluMaskOf(ws, off, ld)) {
            e = Epilogue.reluMask(ws, off, ld);
            maskEpilogues[i] = e;
        }
        return e;
    }
}
