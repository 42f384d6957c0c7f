package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ParallelTest {

    @Test
    void forRange_runsEveryIndexExactlyOnce() {
        for (int n : new int[] {1, 2, 3, 7, 8, 9, 1000, 12345}) {
            AtomicIntegerArray seen = new AtomicIntegerArray(n);
            for (int repeat = 0; repeat < 50; repeat++) {
                Parallel.forRange(n, (start, end) -> {
                    for (int i = start; i < end; i++) {
                        seen.incrementAndGet(i);
                    }
                });
            }
            for (int i = 0; i < n; i++) {
                assertThat(seen.get(i)).as("n=%d index %d", n, i).isEqualTo(50);
            }
        }
    }

    @Test
    void anEmptyRange_runsNothing_andANegativeOneIsRefused() {
        AtomicInteger calls = new AtomicInteger();
        Parallel.forRange(0, (s, e) -> calls.incrementAndGet());
        assertThat(calls).hasValue(0);
        assertThatThrownBy(() -> Parallel.forRange(-1, (s, e) -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
    }

    @Test
    void anExceptionInAChunk_reachesTheCaller_andThePoolStillWorks() {
        assertThatThrownBy(() -> Parallel.forRange(100, (s, e) -> {
            if (s <= 50 && 50 < e) {
                throw new IllegalStateException("chunk with 50");
            }
        })).isInstanceOf(IllegalStateException.class).hasMessage("chunk with 50");
        AtomicInteger sum = new AtomicInteger();
        Parallel.forRange(100, (s, e) -> sum.addAndGet(e - s));
        assertThat(sum).hasValue(100);
    }

    @Test
    void aNestedCall_runsInlineWithoutDeadlock() {
        AtomicInteger inner = new AtomicInteger();
        Parallel.forRange(8, (s, e) -> Parallel.forRange(10, (s2, e2) -> inner.addAndGet(e2 - s2)));
        assertThat(inner).hasValue(80);
    }

    @Test
    void callsFromSeveralThreads_takeTurnsAndAllComplete() throws InterruptedException {
        AtomicInteger total = new AtomicInteger();
        Thread[] callers = new Thread[4];
        for (int t = 0; t < callers.length; t++) {
            callers[t] = Thread.ofPlatform().start(() -> {
                for (int k = 0; k < 200; k++) {
                    Parallel.forRange(64, (s, e) -> total.addAndGet(e - s));
                }
            });
        }
        for (Thread t : callers) {
            t.join();
        }
        assertThat(total).hasValue(4 * 200 * 64);
    }

    @Test
    void configure_refusesZeroThreads() {
        assertThatThrownBy(() -> Parallel.configure(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
    }
}
