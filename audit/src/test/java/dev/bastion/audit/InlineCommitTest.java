package dev.bastion.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.crypto.SigningKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link AuditLog#appendAndCommit}: a waiting caller commits its own record when the writer has nothing in hand. */
class InlineCommitTest {
    @TempDir
    Path dir;

    private AuditLog open(Path logDir) {
        return AuditLog.open(logDir, SigningKey.loadOrCreate(dir.resolve("audit.key"), SigningKey.Algorithm.ED25519),
                "test-log", Clock.systemUTC(), 1000);
    }

    private static byte[] record(String text) {
        return ("{\"r\":\"" + text + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anIdleLogCommitsTheRecordOnTheCallersThreadAndReturnsItDurable() throws Exception {
        try (AuditLog log = open(dir.resolve("log"))) {
            long before = log.groupCommits();
            CompletableFuture<Long> done = log.appendAndCommit(record("a"));
            assertThat(done).as("completed before appendAndCommit returned").isCompletedWithValue(0L);
            assertThat(log.groupCommits()).isEqualTo(before + 1);
            assertThat(log.size()).isEqualTo(1);
            assertThat(log.record(0)).isEqualTo(record("a"));
        }
    }

    @Test
    void oneThreadsAppendsKeepTheirOrderWhateverMixOfQueuedAndInlineCommits() throws Exception {
        Path logDir = dir.resolve("log");
        List<CompletableFuture<Long>> futures = new ArrayList<>();
        try (AuditLog log = open(logDir)) {
            for (int i = 0; i < 2000; i++) { // queued ones are still in hand when the next inline one is tried
                byte[] r = record("r" + i);
                futures.add(i % 3 == 0 ? log.append(r) : log.appendAndCommit(r));
            }
            for (int i = 0; i < futures.size(); i++) {
                assertThat(futures.get(i).get()).as("index of append " + i).isEqualTo(i);
            }
        }
        try (AuditLog reopened = open(logDir)) {
            assertThat(reopened.size()).isEqualTo(2000);
            for (int i = 0; i < 2000; i += 97) {
                assertThat(reopened.record(i)).isEqualTo(record("r" + i));
            }
        }
    }

    @Test
    void concurrentAppendersLoseNoRecordAndEachIndexHoldsItsRecord() throws Exception {
        Path logDir = dir.resolve("log");
        int threads = 8;
        int each = 300;
        ConcurrentLinkedQueue<Object[]> acknowledged = new ConcurrentLinkedQueue<>();
        try (AuditLog log = open(logDir)) {
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> all = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                all.add((t % 2 == 0 ? Thread.ofVirtual() : Thread.ofPlatform()).start(() -> {
                    try {
                        go.await();
                        long last = -1;
                        for (int i = 0; i < each; i++) {
                            byte[] r = record(thread + "-" + i);
                            long index = (i % 5 == 0 ? log.append(r) : log.appendAndCommit(r)).get();
                            assertThat(index).as("a thread's records in its order").isGreaterThan(last);
                            last = index;
                            acknowledged.add(new Object[] {index, r});
                        }
                    } catch (InterruptedException | ExecutionException e) {
                        throw new AssertionError(e);
                    }
                }));
            }
            go.countDown();
            for (Thread t : all) {
                t.join();
            }
            assertThat(acknowledged).hasSize(threads * each);
        }
        try (AuditLog reopened = open(logDir)) {
            assertThat(reopened.size()).isEqualTo(threads * each);
            Set<Long> indices = new HashSet<>();
            for (Object[] a : acknowledged) {
                assertThat(indices.add((Long) a[0])).as("index given once").isTrue();
                assertThat(reopened.record((Long) a[0])).isEqualTo((byte[]) a[1]);
            }
        }
    }

    @Test
    void aFailedWriteFailsEveryWaiterOfItsCommitInlineOrQueuedAndAcknowledgesNone() throws Exception {
        Path logDir = dir.resolve("log");
        try (AuditLog log = open(logDir)) {
            assertThat(log.appendAndCommit(record("kept")).get()).isEqualTo(0);
            log.injectFaultForTesting(new IOException("No space left on device"));
            List<CompletableFuture<Long>> waiters = new ArrayList<>();
            List<Thread> all = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                int thread = t;
                all.add(Thread.ofVirtual().start(() -> {
                    CompletableFuture<Long> f = thread % 2 == 0 ? log.appendAndCommit(record("lost" + thread))
                            : log.append(record("lost" + thread));
                    synchronized (waiters) {
                        waiters.add(f);
                    }
                }));
            }
            for (Thread t : all) {
                t.join();
            }
            for (CompletableFuture<Long> f : waiters) {
                assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class);
            }
            assertThat(log.writable()).isFalse();
            assertThatThrownBy(() -> log.appendAndCommit(record("refused")).get()).hasMessageContaining("not writable");
            log.injectFaultForTesting(null);
            for (int i = 0; i < 100 && !log.writable(); i++) {
                Thread.sleep(50);
            }
            assertThat(log.writable()).isTrue();
            assertThat(log.appendAndCommit(record("after")).get()).isEqualTo(1);
        }
        try (AuditLog reopened = open(logDir)) {
            assertThat(reopened.size()).isEqualTo(2);
            assertThat(reopened.record(1)).isEqualTo(record("after"));
        }
    }

    @Test
    void withACommitIntervalTheRecordIsQueuedForTheWriterNotCommittedByTheCaller() throws Exception {
        try (AuditLog log = open(dir.resolve("log"))) {
            log.commitAtMostEvery(java.time.Duration.ofMillis(200));
            log.append(record("first")).get(); // the interval now runs from this commit
            CompletableFuture<Long> done = log.appendAndCommit(record("second"));
            assertThat(done).as("left to the writer, which waits out the interval").isNotDone();
            assertThat(done.get()).isEqualTo(1);
        }
    }
}
