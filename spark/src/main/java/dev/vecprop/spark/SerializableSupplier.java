package dev.vecprop.spark;

import java.io.Serializable;
import java.util.function.Supplier;

/**
 * A supplier Spark can ship to executors: a lambda or method reference assigned to this type is
 * serializable, e.g. {@code SoftmaxCrossEntropy::new} or {@code () -> Adam.options()}. Executors
 * call it to make their own loss, optimizer settings or layer registry.
 *
 * @param <T> what it supplies
 */
@FunctionalInterface
public interface SerializableSupplier<T> extends Supplier<T>, Serializable {}
