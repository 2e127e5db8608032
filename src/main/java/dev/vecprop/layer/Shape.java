package dev.vecprop.layer;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The shape of one sample (no batch dimension): {@code (784)}, or {@code (C,H,W)}. Immutable. */
public final class Shape {
    private final int[] dims;

    private Shape(int[] dims) {
        this.dims = dims;
    }

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

    public int rank() {
        return dims.length;
    }

    public int dim(int i) {
        return dims[i];
    }

    public int[] dims() {
        return dims.clone();
    }

    /** Elements per sample. */
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
