package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
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
    void forRows_writesEveryIndexsFloatsWhereverItRan() {
        for (int n : new int[] {1, 2, 3, 7, 15, 16, 17, 1000, 12345}) {
            for (int repeat = 0; repeat < 20; repeat++) {
                float[] out = new float[3 * n + 2];
                Arrays.fill(out, -1);
                Parallel.forRows(n, 3, out, (start, end, dst, offset) -> {
                    for (int i = start; i < end; i++) {
                        for (int k = 0; k < 3; k++) {
                            dst[offset + 3 * (i - start) + k] = 10 * i + k;
                        }
                    }
                });
                for (int i = 0; i < n; i++) {
                    for (int k = 0; k < 3; k++) {
                        assertThat(out[3 * i + k]).as("n=%d index %d float %d", n, i, k).isEqualTo(10 * i + k);
                    }
                }
                assertThat(out[3 * n]).as("past the rows").isEqualTo(-1);
                assertThat(out[3 * n + 1]).as("past the rows").isEqualTo(-1);
            }
        }
    }

    @Test
    void forRows_refusesAnOutputTooShort_andANegativeWidth() {
        assertThatThrownBy(() -> Parallel.forRows(4, 2, new float[7], (s, e, d, o) -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("7");
        assertThatThrownBy(() -> Parallel.forRows(4, -1, new float[8], (s, e, d, o) -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
    }

    @Test
    void forRows_anExceptionInAChunk_reachesTheCaller_andThePoolStillWorks() {
        assertThatThrownBy(() -> Parallel.forRows(100, 1, new float[100], (s, e, d, o) -> {
            if (s <= 50 && 50 < e) {
                throw new IllegalStateException("chunk with 50");
            }
        })).isInstanceOf(IllegalStateException.class).hasMessage("chunk with 50");
        float[] out = new float[100];
        Parallel.forRows(100, 1, out, (s, e, d, o) -> Arrays.fill(d, o, o + e - s, 1));
        assertThat(out).containsOnly(1f);
    }

    /*
     * A worker held inside its chunk (as if descheduled) until the call has returned: the caller takes the chunk
     * over, the call returns with every float, and the worker's late result never reaches the output.
     */
    @Test
    void aWorkerHeldInItsChunk_isTakenOver_andItsLateResultIsDropped() throws InterruptedException {
        assumeTrue(Parallel.threads() > 1, "needs a worker thread");
        int n = 64;
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch lateDone = new CountDownLatch(1);
        AtomicBoolean held = new AtomicBoolean();
        long takenBefore = Parallel.chunksTakenOver();
        float[] out = new float[2 * n];
        for (int attempt = 0; attempt < 50 && !held.get(); attempt++) {
            Arrays.fill(out, -1);
            Parallel.forRows(n, 2, out, (start, end, dst, offset) -> {
                boolean worker = Thread.currentThread().getName().startsWith("bastion-inference-");
                if (worker && held.compareAndSet(false, true)) {
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    Arrays.fill(dst, offset, offset + 2 * (end - start), 99); // late, and not what the caller writes
                    lateDone.countDown();
                    return;
                }
                for (int i = start; i < end; i++) {
                    dst[offset + 2 * (i - start)] = i;
                    dst[offset + 2 * (i - start) + 1] = -i;
                }
                if (!worker) {
                    LockSupport.parkNanos(200_000); // the caller's chunks take a while: the worker claims one
                }
            });
        }
        assertThat(held).as("a worker entered a chunk").isTrue();
        assertThat(release.getCount()).as("the call returned while the worker was still held").isEqualTo(1);
        for (int i = 0; i < n; i++) {
            assertThat(out[2 * i]).isEqualTo(i);
            assertThat(out[2 * i + 1]).isEqualTo(-i);
        }
        assertThat(Parallel.chunksTakenOver()).isGreaterThan(takenBefore);
        float[] copy = out.clone();
        release.countDown();
        assertThat(lateDone.await(30, TimeUnit.SECONDS)).isTrue();
        float[] next = new float[2];
        Parallel.forRows(2, 1, next, (s, e, d, o) -> Arrays.fill(d, o, o + e - s, 5)); // the pool still works
        assertThat(next).containsOnly(5f);
        assertThat(out).as("the held worker's late floats").isEqualTo(copy);
    }


    @Test
    void configure_refusesZeroThreads() {
        assertThatThrownBy(() -> Parallel.configure(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
    }
}
