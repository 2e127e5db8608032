package dev.vecprop.layer;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The shape of one sample (no batch dimension): {@code (784)}, or {@code (C,H,W)}. Immutable. */
public final class Shape {
    private final int[] dims;

    private Shape(int[] dims) {
        this.dims = dims;
    }

    /**
     * {@return the shape with the given dimensions, e.g. {@code of(1, 28, 28)} for (C,H,W)}
     *
     * @param dims the dimensions, outermost first; the array is copied
     * @throws ShapeException if there are no dimensions, one is not positive, or the shape has
     *                        more than 2^31-1 elements
     */
    public static Shape of(int... dims) {
        if (dims.length == 0) {
            throw new ShapeException("a shape needs at least one dimension");
        }
        long n = 1;
        for (int d : dims) {
            if (d <= 0) {
                throw new ShapeException("shape " + Arrays.toString(dims) + " has a non-positive dimension");
            }
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new ShapeException("shape " + Arrays.toString(dims) + " has more than 2^31-1 elements");
            }
        }
        return new Shape(dims.clone());
    }

    /** {@return the number of dimensions} */
    public int rank() {
        return dims.length;
    }

    /**
     * {@return dimension {@code i}}
     *
     * @param i the index of the dimension, from 0 (outermost) to {@code rank() - 1}
     * @throws ArrayIndexOutOfBoundsException if {@code i} is out of range
     */
    public int dim(int i) {
        return dims[i];
    }

    /** {@return a copy of the dimensions, outermost first} */
    public int[] dims() {
        return dims.clone();
    }

    /** {@return the number of elements of one sample, the product of the dimensions} */
    public int size() {
        int n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(s.dims, dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    /** e.g. {@code (1,28,28)}. */
    @Override
    public String toString() {
        return Arrays.stream(dims).mapToObj(Integer::toString).collect(Collectors.joining(",", "(", ")"));
    }
}
