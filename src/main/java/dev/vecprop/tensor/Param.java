package dev.vecprop.tensor;

import dev.vecprop.kernel.Panels;

import java.util.Arrays;

/**
 * A named view of one tensor in a {@link ParameterStore}: its full PyTorch state_dict name
 * ({@code 0.weight}), shape, and where its elements live in the store's flat arrays. Trainable
 * tensors live in {@link ParameterStore#values()} with gradients at the same indices in
 * {@link ParameterStore#grads()}; buffers live in {@link ParameterStore#buffers()}.
 */
public final class Param {
    private final String name;
    private final ParamSpec spec;
    private final ParameterStore store;
    private final int offset;
    private final int physicalSize;

    Param(String name, ParamSpec spec, ParameterStore store, int offset, int physicalSize) {
        this.name = name;
        this.spec = spec;
        this.store = store;
        this.offset = offset;
        this.physicalSize = physicalSize;
    }

    /** As {@link #physicalSize}, in long arithmetic (no overflow for any valid spec). */
    static long physicalSizeLong(ParamSpec spec) {
        if (spec.storage() == ParamSpec.Storage.PANELS_OF_TRANSPOSE) {
            int[] s = spec.shape();
            long panels = (s[0] + (long) dev.vecprop.simd.GemmTiling.NR - 1) / dev.vecprop.simd.GemmTiling.NR;
            return panels * Panels.stride(s[1]);
        }
        return spec.numel();
    }

    static int physicalSize(ParamSpec spec) {
        if (spec.storage() == ParamSpec.Storage.PANELS_OF_TRANSPOSE) {
            int[] s = spec.shape();
            return Panels.size(s[1], s[0]);
        }
        return spec.numel();
    }

    /** Full name, e.g. {@code 2.weight}. */
    public String name() {
        return name;
    }

    public ParamSpec spec() {
        return spec;
    }

    public int[] shape() {
        return spec.shape();
    }

    public boolean trainable() {
        return spec.trainable();
    }

    /** Number of logical elements. */
    public int numel() {
        return spec.numel();
    }

    /** The array holding this tensor's values (store values, or buffers for a buffer). */
    public float[] data() {
        return spec.trainable() ? store.values() : store.buffers();
    }

    /** The array holding this tensor's gradient (same indices as {@link #data()}); null for a buffer. */
    public float[] grad() {
        return spec.trainable() ? store.grads() : null;
    }

    /** Offset of this tensor's region in {@link #data()}. */
    public int offset() {
        return offset;
    }

    /** Floats the region occupies (more than numel when packed with padding). */
    public int physicalSize() {
        return physicalSize;
    }

    /** Index in {@link #data()} of logical (row-major PyTorch) element {@code i}. */
    public int index(int i) {
        if (i < 0 || i >= spec.numel()) {
            throw new IndexOutOfBoundsException(name + ": element " + i + " of " + spec.numel());
        }
        if (spec.storage() == ParamSpec.Storage.PANELS_OF_TRANSPOSE) {
            int[] s = spec.shape();
            int in = s[1];
            int o = i / in;
            int k = i % in;
            return offset + Panels.index(in, k, o);
        }
        return offset + i;
    }

    public float get(int i) {
        return data()[index(i)];
    }

    public void set(int i, float v) {
        data()[index(i)] = v;
    }

    public float gradAt(int i) {
        return store.grads()[index(i)];
    }

    /** Copies the values out in PyTorch's row-major layout. */
    public void copyTo(float[] dst, int dstOff) {
        if (spec.storage() == ParamSpec.Storage.PANELS_OF_TRANSPOSE) {
            int[] s = spec.shape();
            // W (out,in) row-major == (W^T) transposed: unpack W^T (in rows, out cols) as transposed.
            Panels.unpack(data(), offset, s[1], s[0], dst, dstOff, s[1], true);
        } else {
            System.arraycopy(data(), offset, dst, dstOff, spec.numel());
        }
    }

    /** Sets the values from PyTorch's row-major layout. */
    public void copyFrom(float[] src, int srcOff) {
        if (spec.storage() == ParamSpec.Storage.PANELS_OF_TRANSPOSE) {
            int[] s = spec.shape();
            Panels.pack(src, srcOff, s[1], true, s[1], s[0], data(), offset);
        } else {
            System.arraycopy(src, srcOff, data(), offset, spec.numel());
        }
    }

    /** The values in PyTorch layout, as a new array. */
    public float[] toArray() {
        float[] r = new float[spec.numel()];
        copyTo(r, 0);
        return r;
    }

    @Override
    public String toString() {
        return name + Arrays.toString(spec.shape());
    }
}
