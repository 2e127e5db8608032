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

    /** {@return the full state_dict name, e.g. {@code 2.weight}} */
    public String name() {
        return name;
    }

    /** {@return the spec the owning layer asked for (local name, shape, storage, trainable)} */
    public ParamSpec spec() {
        return spec;
    }

    /** {@return a copy of the PyTorch shape, e.g. {@code [out, in]} for a linear weight} */
    public int[] shape() {
        return spec.shape();
    }

    /** {@return whether the optimizer updates this tensor (false for a buffer such as {@code running_mean})} */
    public boolean trainable() {
        return spec.trainable();
    }

    /** {@return the number of logical elements, the product of the shape} */
    public int numel() {
        return spec.numel();
    }

    /**
     * {@return the array holding this tensor's values (the store's values, or its buffers for a buffer);
     * the tensor's region starts at {@link #offset()}}
     */
    public float[] data() {
        return spec.trainable() ? store.values() : store.buffers();
    }

    /** {@return the array holding this tensor's gradient (same indices as {@link #data()}), or null for a buffer} */
    public float[] grad() {
        return spec.trainable() ? store.grads() : null;
    }

    /** {@return the offset of this tensor's region in {@link #data()} (and {@link #grad()})} */
    public int offset() {
        return offset;
    }

    /** {@return the number of floats the region occupies (more than {@link #numel()} when packed with padding)} */
    public int physicalSize() {
        return physicalSize;
    }

    /**
     * {@return the index in {@link #data()} of a logical element; the identity plus {@link #offset()}
     * for {@link ParamSpec.Storage#PLAIN} storage}
     *
     * @param i the element's index in PyTorch's row-major order, from 0 to {@code numel() - 1}
     * @throws IndexOutOfBoundsException if {@code i} is out of range
     */
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

    /**
     * {@return the value of a logical element}
     *
     * @param i the element's index in PyTorch's row-major order, from 0 to {@code numel() - 1}
     * @throws IndexOutOfBoundsException if {@code i} is out of range
     */
    public float get(int i) {
        return data()[index(i)];
    }

    /**
     * Sets the value of a logical element.
     *
     * @param i the element's index in PyTorch's row-major order, from 0 to {@code numel() - 1}
     * @param v the new value
     * @throws IndexOutOfBoundsException if {@code i} is out of range
     */
    public void set(int i, float v) {
        data()[index(i)] = v;
        store.touch();
    }

    /**
     * {@return the gradient of a logical element of a trainable tensor}
     *
     * @param i the element's index in PyTorch's row-major order, from 0 to {@code numel() - 1}
     * @throws IndexOutOfBoundsException if {@code i} is out of range
     */
    public float gradAt(int i) {
        return store.grads()[index(i)];
    }

    /**
     * Copies the values out in PyTorch's row-major layout.
     *
     * @param dst    receives {@link #numel()} floats
     * @param dstOff the offset in {@code dst} of the first element
     * @throws IndexOutOfBoundsException if {@code dst} is too short from {@code dstOff}
     */
    public void copyTo(float[] dst, int dstOff) {
        if (spec.storage() == ParamSpec.Storage.PANELS_OF_TRANSPOSE) {
            int[] s = spec.shape();
            // W (out,in) row-major == (W^T) transposed: unpack W^T (in rows, out cols) as transposed.
            Panels.unpack(data(), offset, s[1], s[0], dst, dstOff, s[1], true);
        } else {
            System.arraycopy(data(), offset, dst, dstOff, spec.numel());
        }
    }

    /**
     * Sets the values from PyTorch's row-major layout.
     *
     * @param src    holds {@link #numel()} floats
     * @param srcOff the offset in {@code src} of the first element
     * @throws IndexOutOfBoundsException if {@code src} is too short from {@code srcOff}
     */
    public void copyFrom(float[] src, int srcOff) {
        if (spec.storage() == ParamSpec.Storage.PANELS_OF_TRANSPOSE) {
            int[] s = spec.shape();
            Panels.pack(src, srcOff, s[1], true, s[1], s[0], data(), offset);
        } else {
            System.arraycopy(src, srcOff, data(), offset, spec.numel());
        }
        store.touch();
    }

    /** {@return the values in PyTorch's row-major layout, as a new array of {@link #numel()} floats} */
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
