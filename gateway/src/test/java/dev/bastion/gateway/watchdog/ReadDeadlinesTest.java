package dev.bastion.gateway.watchdog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Closeable;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The upstream watchdog: a read past its deadline is closed; one that ended in time is never touched. */
class ReadDeadlinesTest {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final AtomicInteger closes = new AtomicInteger();
    private final Closeable target = closes::incrementAndGet;

    @Test
    void aReadPastItsDeadlineIsClosedOnceAndMarkedFired() {
        ReadDeadlines deadlines = new ReadDeadlines(nanos::get, false);
        ReadDeadlines.Watch watch = deadlines.watch(target, Duration.ofMillis(500));
        nanos.addAndGet(Duration.ofMillis(499).toNanos());
        assertThat(deadlines.sweep()).as("not yet").isZero();
        assertThat(watch.fired()).isFalse();
        nanos.addAndGet(Duration.ofMillis(1).toNanos());
        assertThat(deadlines.sweep()).isEqualTo(1);
        assertThat(watch.fired()).isTrue();
        assertThat(deadlines.sweep()).as("closed once only").isZero();
        assertThat(closes).hasValue(1);
        watch.close();
        assertThat(deadlines.watched()).isZero();
    }

    @Test
    void aReadThatEndedInTimeIsNeverClosed() {
        ReadDeadlines deadlines = new ReadDeadlines(nanos::get, false);
        ReadDeadlines.Watch watch = deadlines.watch(target, Duration.ofMillis(100));
        watch.close();
        nanos.addAndGet(Duration.ofSeconds(10).toNanos());
        assertThat(deadlines.sweep()).isZero();
        assertThat(watch.fired()).isFalse();
        assertThat(closes).hasValue(0);
        assertThat(deadlines.watched()).isZero();
    }

    @Test
    void onlyTheReadsPastTheirDeadlinesAreClosed() {
        ReadDeadlines deadlines = new ReadDeadlines(nanos::get, false);
        ReadDeadlines.Watch shortOne = deadlines.watch(target, Duration.ofMillis(100));
        ReadDeadlines.Watch longOne = deadlines.watch(target, Duration.ofSeconds(120));
        nanos.addAndGet(Duration.ofMillis(200).toNanos());
        assertThat(deadlines.sweep()).isEqualTo(1);
        assertThat(shortOne.fired()).isTrue();
        assertThat(longOne.fired()).isFalse();
        assertThat(deadlines.watched()).isEqualTo(1);
    }

    @Test
    void theSweeperClosesAStalledReadOnRealTimeEvenAfterSleeping() throws Exception {
        ReadDeadlines deadlines = new ReadDeadlines(System::nanoTime);
        Thread.sleep(ReadDeadlines.IDLE.toMillis() + 200); // long enough for the sweeper to go to sleep
        CountDownLatch closed = new CountDownLatch(1);
        long start = System.nanoTime();
        ReadDeadlines.Watch watch = deadlines.watch(closed::countDown, Duration.ofMillis(50));
        assertThat(closed.await(5, TimeUnit.SECONDS)).as("closed by the sweeper").isTrue();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(50).toNanos());
        assertThat(watch.fired()).isTrue();
    }
}
