package dev.vecprop.layer;

/**
 * Activations, gradients and layer scratch for one thread's passes through a {@link Sequential},
 * sized for a maximum batch and allocated once. Training reuses one workspace for every step;
 * each inference thread owns its own.
 */
public final class Workspace {
    final Sequential model;
    final int maxBatch;
    final float[] data;
    /** dL/d(output) region at the start: (maxBatch, out). */
    final int outGradOff = 0;
    final int chainOff;

    Workspace(Sequential model, int maxBatch, int chainFloats) {
        this.model = model;
        this.maxBatch = maxBatch;
        this.chainOff = maxBatch * model.outputShape().size();
        this.data = new float[Math.addExact(chainOff, chainFloats)];
    }

    public int maxBatch() {
        return maxBatch;
    }

    /** The backing array; model outputs and output gradients are views into it. */
    public float[] data() {
        return data;
    }

    /** Offset in {@link #data()} where the loss writes dL/d(output), (B, out) row-major. */
    public int outputGradOffset() {
        return outGradOff;
    }

    /** Bytes held. */
    public long bytes() {
        return 4L * data.length;
    }
}
