package dev.vecprop.concurrent;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed pool of worker threads that run one data-parallel task at a time.
 *
 * <p>{@link #run(Task)} hands the same task to every worker; worker {@code w} of {@code n}
 * does its own static share (the caller's thread is worker 0), and {@code run} returns when all
 * have finished. Shares are fixed by {@code (w, n)} alone, so kernels that partition their output
 * by these numbers are deterministic. Workers spin briefly for the next task (training issues many
 * small GEMMs back to back) and then park. A task started from inside a worker runs serially.
 */
public final class WorkerPool implements AutoCloseable {

    /** A data-parallel task: do share {@code worker} of {@code workers}. */
    @FunctionalInterface
    public interface Task {
        void run(int worker, int workers);
    }

    /** Workers spin this long for the next task before parking (a park/unpark costs tens of us on a VM). */
    private static final long SPIN_NANOS = 5_000_000L;

    private final int threads;
    private final Thread[] workers;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile long generation;
    private volatile boolean closed;
    private volatile Task task;
    private volatile Throwable failure;
    private final Object runLock = new Object();
    private final ThreadLocal<Boolean> inside = ThreadLocal.withInitial(() -> Boolean.FALSE);

    /** A pool of {@code threads} workers (the calling thread counts as one). */
    public WorkerPool(int threads) {
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("threads must be in 1..1024, got " + threads);
        }
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 1; i < threads; i++) {
            final int id = i;
            Thread t = new Thread(() -> loop(id), "vecprop-worker-" + id);
            t.setDaemon(true);
            workers[i - 1] = t;
            t.start();
        }
    }

    private static final WorkerPool SERIAL = new WorkerPool(1);

    /** A pool that runs everything on the caller's thread. */
    public static WorkerPool serial() {
        return SERIAL;
    }

    public int threads() {
        return threads;
    }

    /** Runs {@code t} on every worker and returns when all are done; rethrows a worker's failure. */
    public void run(Task t) {
        if (threads == 1 || inside.get()) {
            t.run(0, 1);
            return;
        }
        synchronized (runLock) {
            if (closed) {
                throw new IllegalStateException("WorkerPool is closed");
            }
            failure = null;
            task = t;
            pending.set(threads - 1);
            generation++;
            for (Thread w : workers) {
                LockSupport.unpark(w);
            }
            inside.set(Boolean.TRUE);
            try {
                t.run(0, threads);
            } catch (Throwable e) {
                recordFailure(e);
            } finally {
                inside.set(Boolean.FALSE);
            }
            long start = System.nanoTime();
            while (pending.get() != 0) {
                if (System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(20_000L);
                }
            }
            task = null;
            Throwable f = failure;
            if (f != null) {
                failure = null;
                if (f instanceof RuntimeException re) {
                    throw re;
                }
                if (f instanceof Error er) {
                    throw er;
                }
                throw new IllegalStateException(f);
            }
        }
    }

    private void recordFailure(Throwable e) {
        synchronized (pending) {
            if (failure == null) {
                failure = e;
            }
        }
    }

    private void loop(int id) {
        inside.set(Boolean.TRUE);
        long seen = 0;
        while (true) {
            long start = System.nanoTime();
            while (generation == seen && !closed) {
                if (System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            if (closed) {
                return;
            }
            seen = generation;
            try {
                task.run(id, threads);
            } catch (Throwable e) {
                recordFailure(e);
            } finally {
                pending.decrementAndGet();
            }
        }
    }

    @Override
    public void close() {
        if (this == SERIAL) {
            return;
        }
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
    }
}
