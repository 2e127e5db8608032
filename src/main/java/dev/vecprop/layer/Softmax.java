package dev.vecprop.layer;

import dev.vecprop.kernel.RowSoftmax;

/**
 * Softmax over the features of each sample (PyTorch {@code Softmax(dim=1)}); with
 * {@code log = true}, {@code LogSoftmax(dim=1)}. For training a classifier use
 * {@link dev.vecprop.loss.SoftmaxCrossEntropy} on the logits instead: it is fused and stable.
 */
public final class Softmax extends AbstractLayer {
    private final boolean log;

    /** Creates a softmax: each sample's outputs are probabilities in [0, 1] summing to 1. */
    public Softmax() {
        this(false);
    }

    /**
     * Creates a softmax or log-softmax.
     *
     * @param log true for log-softmax (log-probabilities), false for softmax (probabilities)
     */
    public Softmax(boolean log) {
        this.log = log;
    }

    @Override
    public LayerConfig config() {
        return LayerConfig.of("Softmax", "log", log);
    }

    @Override
    public String describe() {
        return log ? "LogSoftmax" : "Softmax";
    }

    @Override
    protected Shape computeOutputShape(Shape input) {
        if (input.rank() != 1) {
            throw new ShapeException(describe() + " expects flat features, got " + input + " (add a Flatten)");
        }
        return input;
    }

    @Override
    public void forward(Context ctx, int batch, float[] x, int xo, float[] y, int yo, float[] ws, int wo) {
        // x (B,C) -> y (B,C)
        if (log) {
            RowSoftmax.logSoftmax(x, xo, y, yo, batch, inSize());
        } else {
            RowSoftmax.softmax(x, xo, y, yo, batch, inSize());
        }
    }

    @Override
    public void backward(Context ctx, int batch, float[] x, int xo, float[] y, int yo,
                         float[] dy, int dyo, float[] dx, int dxo, float[] ws, int wo) {
        // dy (B,C), y (B,C) -> dx (B,C)
        if (dx == null) {
            return;
        }
        if (log) {
            RowSoftmax.logSoftmaxBackward(y, yo, dy, dyo, dx, dxo, batch, inSize());
        } else {
            RowSoftmax.softmaxBackward(y, yo, dy, dyo, dx, dxo, batch, inSize());
        }
    }
}
