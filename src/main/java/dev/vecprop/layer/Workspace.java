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

    /** {@return the largest batch this workspace can hold} */
    public int maxBatch() {
        return maxBatch;
    }

    /**
     * {@return the backing array (not a copy); model outputs and the output gradient are regions of it,
     * at the offsets {@link Sequential#forward} and {@link #outputGradOffset()} return}
     */
    public float[] data() {
        return data;
    }

    /** {@return the offset in {@link #data()} where the loss writes dL/d(output), row-major [B][out]} */
    public int outputGradOffset() {
        return outGradOff;
    }

    /** {@return the size of the backing array, in bytes} */
    public long bytes() {
        return 4L * data.length;
    }
}
