package dev.vecprop.layer;

import java.util.List;
import java.util.Map;

/**
 * A layer whose weight is int8 ({@link dev.vecprop.tensor.ParamSpec.Storage#INT8}, one float scale
 * per output channel): it serves (forward) and does not train (its backward refuses). Made by
 * {@code dev.vecprop.quant.Quantizer} from a float model, saved and loaded by the checkpoints like any
 * layer; {@code Quantizer.dequantize} turns a model of them back into float layers.
 */
public interface QuantizedLayer extends Layer {
    /**
     * Checks the int8 values and scales now in the model and builds what the kernels read (done
     * again, once, whenever the tensors are written; the checkpoints call it right after loading).
     *
     * @throws dev.vecprop.ConfigException naming the tensor, if a weight value is not an integer in
     *                                     {@code -127..127} or a scale is not positive and finite
     */
    void prepare();

    /**
     * {@return fresh, unbuilt float layers computing what this layer approximates: e.g. a Linear and
     * the ReLU that was fused into this layer}
     */
    List<Layer> floatLayers();

    /**
     * {@return the dequantized tensors of the first of {@link #floatLayers()}, by local name
     * ({@code weight = scale * int8}, {@code bias}), each in PyTorch's row-major order}
     */
    Map<String, float[]> floatTensors();
}
