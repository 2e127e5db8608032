package dev.vecprop.layer;

import dev.vecprop.tensor.ParamSpec;
import dev.vecprop.tensor.ParameterStore;

import java.util.List;
import java.util.SplittableRandom;

/**
 * One layer of explicit, layer-wise backpropagation: a hand-written {@code forward} and
 * {@code backward}, no autograd tape. Activations are row-major {@code (B, size)} blocks of
 * {@code float}; a layer's input and output shapes are fixed when the model is built.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #build} is called once with the input shape and returns the output shape, or throws
 *       {@link ShapeException}.</li>
 *   <li>Per-batch state lives in the workspace region {@code ws[wo .. wo + workspaceSize(B))} that
 *       the model hands to both passes: forward caches exactly what backward needs there.</li>
 *   <li>{@code backward} receives dL/dy and writes dL/dx (when {@code dx != null}) and
 *       <em>accumulates</em> dL/d(parameters) into the store's gradient array.</li>
 *   <li>In eval mode {@code forward} writes nothing but {@code y} and its workspace, so threads with
 *       their own workspaces can run inference on one model concurrently.</li>
 * </ul>
 */
public interface Layer {

    /** {@return a short description for summaries and error messages, e.g. {@code Linear(784->256)}} */
    String describe();

    /**
     * Fixes the input shape; called once, when the model is built.
     *
     * @param input the shape of one input sample (no batch dimension)
     * @return the shape of one output sample
     * @throws ShapeException if the layer cannot take {@code input}, or was already built on another shape
     */
    Shape build(Shape input);

    /**
     * {@return the shape of one input sample}
     *
     * @throws dev.vecprop.ConfigException if the layer is not built into a model yet
     */
    Shape inputShape();

    /**
     * {@return the shape of one output sample}
     *
     * @throws dev.vecprop.ConfigException if the layer is not built into a model yet
     */
    Shape outputShape();

    /**
     * {@return the tensors this layer owns, by local name such as {@code weight} (after {@link #build});
     * empty for layers without parameters}
     */
    default List<ParamSpec> paramSpecs() {
        return List.of();
    }

    /**
     * Binds the layer to its tensors, which the model allocated from {@link #paramSpecs()}.
     *
     * @param prefix the layer's position in the model, e.g. {@code "2."}; tensor names are
     *               {@code prefix + localName}
     * @param store  the model's parameter store holding the tensors
     */
    default void bind(String prefix, ParameterStore store) {
    }

    /**
     * Sets the parameters to their default initial values (PyTorch's defaults).
     *
     * @param rnd the model's random source, shared by the layers in order
     */
    default void initialize(SplittableRandom rnd) {
    }

    /**
     * Gives the layer a model-unique id (used to decorrelate dropout masks).
     *
     * @param id the layer's depth-first index in the model, from 0
     */
    default void assignId(int id) {
    }

    /**
     * {@return the number of floats of scratch the layer needs in the workspace for {@code batch}
     * samples (0 by default)}
     *
     * @param batch the number of samples in the batch, at least 1
     */
    default int workspaceSize(int batch) {
        return 0;
    }

    /**
     * Computes the outputs of a batch: {@code x (B, in) -> y (B, out)}, row-major, where {@code in}
     * and {@code out} are the sizes of {@link #inputShape()} and {@link #outputShape()}.
     *
     * @param ctx   the pass's mode (training or eval), seed and step
     * @param batch the number of samples B, at least 1
     * @param x     the input batch, row-major [B][in], read from {@code x[xo ..]}
     * @param xo    the offset of the first input in {@code x}
     * @param y     receives the output batch, row-major [B][out], written from {@code y[yo ..]}
     * @param yo    the offset of the first output in {@code y}
     * @param ws    the layer's scratch, {@code ws[wo .. wo + workspaceSize(B))}, kept for {@link #backward}
     * @param wo    the offset of the layer's scratch in {@code ws}
     */
    void forward(Context ctx, int batch, float[] x, int xo, float[] y, int yo, float[] ws, int wo);

    /**
     * Backpropagates a batch: {@code dy (B, out) -> dx (B, in)}, row-major, and (when
     * {@code ctx.paramGrads()}) adds dL/d(parameters) to the store's gradients. Called after the
     * {@link #forward} of the same batch, with the same arrays and offsets.
     *
     * @param ctx   the pass's context; see {@link Context#paramGrads()} and {@link Context#gradsZero()}
     * @param batch the number of samples B, as in forward
     * @param x     the forward's input batch, row-major [B][in], from {@code x[xo ..]}
     * @param xo    the offset of the first input in {@code x}
     * @param y     the forward's output batch, row-major [B][out], from {@code y[yo ..]}
     * @param yo    the offset of the first output in {@code y}
     * @param dy    dL/dy, row-major [B][out], from {@code dy[dyo ..]}
     * @param dyo   the offset of dL/dy in {@code dy}
     * @param dx    receives dL/dx, row-major [B][in], from {@code dx[dxo ..]}; null to skip it
     *              (the first layer of a model when no input gradient is wanted)
     * @param dxo   the offset of dL/dx in {@code dx}
     * @param ws    the scratch the forward filled, {@code ws[wo .. wo + workspaceSize(B))}
     * @param wo    the offset of the layer's scratch in {@code ws}
     */
    void backward(Context ctx, int batch, float[] x, int xo, float[] y, int yo,
                  float[] dy, int dyo, float[] dx, int dxo, float[] ws, int wo);

    /**
     * The layer's type and constructor arguments, which checkpoints record so that loading rebuilds
     * the model without an architecture string. Every built-in layer has one; a user layer that
     * returns null can be trained and saved weights-only, but a checkpoint of a model containing it
     * cannot be described: return {@code LayerConfig.of("MyLayer", "n", n)} and register a factory
     * for {@code "MyLayer"} in a {@link LayerRegistry} to load it.
     *
     * @return the config, or null if the layer cannot be described
     */
    default LayerConfig config() {
        return null;
    }

    /**
     * {@return the multiply-adds of one sample's forward pass in the layer's matrix products
     * (0 for elementwise layers); for benchmarks}
     */
    default long forwardMacs() {
        return 0;
    }
}
