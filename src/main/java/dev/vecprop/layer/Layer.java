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

    /** Short description, e.g. {@code Linear(784->256)}. */
    String describe();

    /** Fixes the input shape; returns the output shape. */
    Shape build(Shape input);

    /** Input shape (after {@link #build}). */
    Shape inputShape();

    /** Output shape (after {@link #build}). */
    Shape outputShape();

    /** The tensors this layer owns, by local name (after {@link #build}). */
    default List<ParamSpec> paramSpecs() {
        return List.of();
    }

    /** Binds the layer to its tensors, named {@code prefix + localName} in {@code store}. */
    default void bind(String prefix, ParameterStore store) {
    }

    /** Sets the parameters to their default initial values (PyTorch's defaults). */
    default void initialize(SplittableRandom rnd) {
    }

    /** Gives the layer a model-unique id (used to decorrelate dropout masks). */
    default void assignId(int id) {
    }

    /** Floats of workspace needed for a batch of {@code batch}. */
    default int workspaceSize(int batch) {
        return 0;
    }

    /** {@code x (B, in) -> y (B, out)}. */
    void forward(Context ctx, int batch, float[] x, int xo, float[] y, int yo, float[] ws, int wo);

    /** {@code dy (B, out) -> dx (B, in)} (skipped when dx is null); parameter gradients accumulate. */
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

    /** Multiply-adds of one sample's forward pass in the layer's matrix products (0 for elementwise layers); for benchmarks. */
    default long forwardMacs() {
        return 0;
    }
}
