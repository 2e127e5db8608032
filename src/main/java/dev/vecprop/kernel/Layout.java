package dev.vecprop.kernel;

/**
 * How a GEMM operand sits in its {@code float[]} (offset {@code off}, leading dimension {@code ld}).
 * For a logical {@code rows x cols} operand X:
 * <ul>
 *   <li>{@link #ROW_MAJOR}: {@code X(r,c) = x[off + r*ld + c]}</li>
 *   <li>{@link #TRANSPOSED}: the array holds X transposed: {@code X(r,c) = x[off + c*ld + r]}</li>
 *   <li>{@link #PANELS}: the packed panel layout of {@link Panels} (column panels {@code NR} wide,
 *       each {@code ld} floats apart, row-major inside): {@code X(r,c) = x[off + (c/NR)*ld + r*NR + c%NR]}.
 *       A B operand in this layout is used without packing; a C operand is written in it.</li>
 *   <li>{@link #PANELS_TRANSPOSED}: the array holds X transposed in the panel layout:
 *       {@code X(r,c) = x[off + (r/NR)*ld + c*NR + r%NR]} (B operands only).</li>
 * </ul>
 */
public enum Layout {
    ROW_MAJOR, TRANSPOSED, PANELS, PANELS_TRANSPOSED
}
