package dev.vecprop.tensor;

import java.util.Arrays;

/**
 * A tensor a layer asks the model for: its local name ({@code weight}, {@code bias},
 * {@code running_mean}...), its PyTorch shape, how it is stored, and whether the optimizer updates
 * it (parameters) or not (buffers such as batch-norm running statistics).
 *
 * @param name      the local name, e.g. {@code weight}; the model prefixes the layer's position
 * @param shape     the PyTorch shape, e.g. {@code [out, in]}; {@code []} for a scalar
 * @param storage   how the elements are laid out in the store
 * @param trainable true for a parameter the optimizer updates, false for a buffer
 */
public record ParamSpec(String name, int[] shape, Storage storage, boolean trainable) {

    /** How a tensor's logical (PyTorch, row-major) elements map into the flat store. */
    public enum Storage {
        /** Row-major, exactly PyTorch's layout. */
        PLAIN,
        /**
         * A 2-D {@code [out, in]} weight kept transposed in the GEMM's packed panel layout
         * ({@link dev.vecprop.kernel.Panels} of {@code W^T}, {@code in} rows, {@code out} columns),
         * so the forward GEMM reads it without repacking.
         */
        PANELS_OF_TRANSPOSE,
        /**
         * Row-major like {@link #PLAIN}, holding the integers {@code -127..127} of a quantized weight:
         * checkpoints store it as {@code I8}, and load it only from {@code I8}. Not trainable.
         */
        INT8
    }

    /**
     * Checks and copies the shape.
     *
     * @throws dev.vecprop.layer.ShapeException if a dimension is negative or the tensor has more
     *                                          elements than one Java array holds
     * @throws dev.vecprop.ConfigException      if packed storage is asked for a shape that is not 2-D
     */
    public ParamSpec {
        shape = shape.clone();
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new dev.vecprop.layer.ShapeException(name + ": negative dimension in " + Arrays.toString(shape));
            }
            n *= d;
            if (n > Integer.MAX_VALUE - 64) {
                throw new dev.vecprop.layer.ShapeException(name + " " + Arrays.toString(shape)
                        + " has more elements than one Java array holds");
            }
        }
        if (storage == Storage.INT8 && trainable) {
            throw new dev.vecprop.ConfigException(name + ": an int8 tensor cannot be trainable");
        }
        if (storage == Storage.PANELS_OF_TRANSPOSE && shape.length != 2) {
            throw new dev.vecprop.ConfigException(name + ": packed storage needs a 2-D shape, got "
                    + Arrays.toString(shape));
        }
    }

    /**
     * {@return a trainable tensor stored row-major, e.g. {@code plain("bias", out)}}
     *
     * @param name  the local name
     * @param shape the PyTorch shape
     */
    public static ParamSpec plain(String name, int... shape) {
        return new ParamSpec(name, shape, Storage.PLAIN, true);
    }

    /**
     * {@return a trainable {@code [out, in]} weight kept in {@link Storage#PANELS_OF_TRANSPOSE} storage}
     *
     * @param name the local name
     * @param out  the output features (rows of the PyTorch weight)
     * @param in   the input features (columns of the PyTorch weight)
     */
    public static ParamSpec packedWeight(String name, int out, int in) {
        return new ParamSpec(name, new int[]{out, in}, Storage.PANELS_OF_TRANSPOSE, true);
    }

    /**
     * {@return a buffer (not trainable, no gradient) stored row-major, e.g. {@code buffer("running_mean", c)}}
     *
     * @param name  the local name
     * @param shape the PyTorch shape; none for a scalar
     */
    public static ParamSpec buffer(String name, int... shape) {
        return new ParamSpec(name, shape, Storage.PLAIN, false);
    }

    /**
     * {@return a quantized weight: a buffer of int8 values ({@link Storage#INT8}), e.g. {@code int8("weight", out, in)}}
     *
     * @param name  the local name
     * @param shape the PyTorch shape
     */
    public static ParamSpec int8(String name, int... shape) {
        return new ParamSpec(name, shape, Storage.INT8, false);
    }

    /** {@return the number of logical elements, the product of the shape (1 for a scalar)} */
    public int numel() {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return Math.toIntExact(n);
    }

    /** {@return a copy of the PyTorch shape} */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParamSpec p && p.name.equals(name) && Arrays.equals(p.shape, shape)
                && p.storage == storage && p.trainable == trainable;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
