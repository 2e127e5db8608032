package dev.vecprop.concurrent;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkerPoolTest {
    @Test
    void everyWorkerRunsItsShareOncePerRun() {
        try (WorkerPool pool = new WorkerPool(3)) {
            for (int round = 0; round < 2000; round++) {
                AtomicIntegerArray hits = new AtomicIntegerArray(3);
                pool.run((w, n) -> {
                    assertThat(n).isEqualTo(3);
                    hits.incrementAndGet(w);
                });
                for (int w = 0; w < 3; w++) {
                    assertThat(hits.get(w)).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void workerFailureIsRethrownAndPoolStaysUsable() {
        try (WorkerPool pool = new WorkerPool(2)) {
            assertThatThrownBy(() -> pool.run((w, n) -> {
                if (w == 1) {
                    throw new IllegalStateException("boom in worker 1");
                }
            })).isInstanceOf(IllegalStateException.class).hasMessage("boom in worker 1");
            AtomicIntegerArray hits = new AtomicIntegerArray(2);
            pool.run((w, n) -> hits.incrementAndGet(w));
            assertThat(hits.get(0) + hits.get(1)).isEqualTo(2);
        }
    }

    @Test
    void nestedRunIsSerial() {
        try (WorkerPool pool = new WorkerPool(2)) {
            AtomicIntegerArray inner = new AtomicIntegerArray(1);
            pool.run((w, n) -> pool.run((w2, n2) -> {
                assertThat(n2).isEqualTo(1);
                inner.incrementAndGet(0);
            }));
            assertThat(inner.get(0)).isEqualTo(2);
        }
    }

    @Test
    void rejectsBadThreadCount() {
        assertThatThrownBy(() -> new WorkerPool(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("threads must be in 1..1024");
    }
}
