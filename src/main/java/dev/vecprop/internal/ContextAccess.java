package dev.vecprop.internal;

import dev.vecprop.concurrent.WorkerPool;
import dev.vecprop.layer.Context;

/**
 * The library's own way to make a {@link Context} on a worker pool: the pool is an internal type,
 * so the public {@code Context} offers only pool-less factories, and registers this bridge for the
 * library's trainer, evaluator, benchmarks and tests. Not exported.
 */
public final class ContextAccess {
    private ContextAccess() {}

    /** Implemented by {@code Context} itself. */
    public interface Factory {
        /**
         * @param pool     worker pool for the kernels (null: the caller's thread)
         * @param training training or eval mode
         * @param seed     seed of the dropout masks
         * @return a new context
         */
        Context create(WorkerPool pool, boolean training, long seed);
    }

    private static volatile Factory factory;

    /** Called once by {@code Context}'s static initialiser. @param f the factory */
    public static void register(Factory f) {
        factory = f;
    }

    /**
     * @param pool     worker pool for the kernels (null: the caller's thread)
     * @param training training or eval mode
     * @param seed     seed of the dropout masks
     * @return a new context
     */
    public static Context create(WorkerPool pool, boolean training, long seed) {
        Factory f = factory;
        if (f == null) {
            try {
                Class.forName(Context.class.getName(), true, Context.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            f = factory;
        }
        return f.create(pool, training, seed);
    }
}
