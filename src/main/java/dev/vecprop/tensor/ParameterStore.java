package dev.vecprop.tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * All of a model's tensors in three flat arrays: trainable values, their gradients (same
 * indices), and buffers. Optimizers run one loop over {@link #values()} and {@link #grads()};
 * the named {@link Param} views give PyTorch state_dict names, shapes and layouts.
 * Regions are aligned to 16 floats so vector loops start on a boundary.
 */
public final class ParameterStore {
    private static final int ALIGN = 16;

    private final float[] values;
    private final float[] grads;
    private final float[] buffers;
    private final Map<String, Param> byName;
    private volatile long version;

    /**
     * Allocates a zeroed store for the tensors, in iteration order.
     *
     * @param specs the tensors keyed by full name ({@code "0.weight"}); the order becomes state_dict order
     * @throws dev.vecprop.layer.ShapeException if the values or the buffers need more floats than one Java array holds
     */
    public ParameterStore(Map<String, ParamSpec> specs) {
        long valueSize = 0;
        long bufferSize = 0;
        for (Map.Entry<String, ParamSpec> e : specs.entrySet()) {
            ParamSpec s = e.getValue();
            long size = align(Param.physicalSizeLong(s));
            if (s.trainable()) {
                valueSize += size;
            } else {
                bufferSize += size;
            }
            if (valueSize > MAX_FLOATS || bufferSize > MAX_FLOATS) {
                throw new dev.vecprop.layer.ShapeException("the model's tensors up to " + e.getKey() + " need more than "
                        + MAX_FLOATS + " floats, more than one Java array holds");
            }
        }
        values = new float[(int) valueSize];
        grads = new float[(int) valueSize];
        buffers = new float[(int) bufferSize];
        Map<String, Param> m = new LinkedHashMap<>();
        int vo = 0;
        int bo = 0;
        for (Map.Entry<String, ParamSpec> e : specs.entrySet()) {
            ParamSpec s = e.getValue();
            int size = Param.physicalSize(s);
            Param p;
            if (s.trainable()) {
                p = new Param(e.getKey(), s, this, vo, size);
                vo += align(size);
            } else {
                p = new Param(e.getKey(), s, this, bo, size);
                bo += align(size);
            }
            m.put(e.getKey(), p);
        }
        byName = Collections.unmodifiableMap(m);
    }

    /** The most floats one store array holds (a little below the VM's array limit). */
    static final long MAX_FLOATS = Integer.MAX_VALUE - 64;

    private static int align(int n) {
        return (n + ALIGN - 1) / ALIGN * ALIGN;
    }

    private static long align(long n) {
        return (n + ALIGN - 1) / ALIGN * ALIGN;
    }

    /**
     * {@return a number that changes whenever a tensor is written through {@link Param#set} or
     * {@link Param#copyFrom}} Layers that derive data from their tensors (a quantized layer's packed
     * int8 panels) rebuild it when this changes; a write straight into {@link #values()} or
     * {@link #buffers()} is not seen (the optimizers write there, and they never touch such tensors).
     */
    public long version() {
        return version;
    }

    /** Records a write through a {@link Param}. */
    void touch() {
        version++;
    }

    /** {@return the flat array of every trainable tensor's values (not a copy)} */
    public float[] values() {
        return values;
    }

    /** {@return the flat array of the gradients, at the same indices as {@link #values()} (not a copy)} */
    public float[] grads() {
        return grads;
    }

    /** {@return the flat array of the buffers' values (not a copy)} */
    public float[] buffers() {
        return buffers;
    }

    /**
     * {@return the tensor with a full name, or null if there is none}
     *
     * @param name the full state_dict name, e.g. {@code "0.weight"}
     */
    public Param get(String name) {
        return byName.get(name);
    }

    /** {@return all tensors in state_dict order, parameters and buffers (an unmodifiable list)} */
    public List<Param> all() {
        return List.copyOf(byName.values());
    }

    /** {@return the trainable tensors in state_dict order} */
    public List<Param> trainable() {
        List<Param> r = new ArrayList<>();
        for (Param p : byName.values()) {
            if (p.trainable()) {
                r.add(p);
            }
        }
        return r;
    }

    /** {@return the number of trainable logical elements (what PyTorch's {@code numel} sum reports)} */
    public long parameterCount() {
        long n = 0;
        for (Param p : byName.values()) {
            if (p.trainable()) {
                n += p.numel();
            }
        }
        return n;
    }

    /** Zeroes all gradients. */
    public void zeroGrads() {
        java.util.Arrays.fill(grads, 0f);
    }
}
