package dev.bastion.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.crypto.SigningKey;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Group commits that wait for announced records ({@link AuditLog#gatherExpectedFor}, {@link AuditLog#expect}). */
class GatherExpectedTest {
    @TempDir
    java.nio.file.Path dir;

    private AuditLog open(Duration gather) {
        AuditLog log = AuditLog.open(dir.resolve("log"), SigningKey.loadOrCreate(dir.resolve("audit.key"),
                SigningKey.Algorithm.ED25519), "gather", Clock.systemUTC(), 1000);
        log.gatherExpectedFor(gather);
        return log;
    }

    @Test
    void aRecordOnItsWayJoinsTheGroupCommitOfAnEarlierOne() throws Exception {
        try (AuditLog log = open(Duration.ofSeconds(10))) {
            long before = log.groupCommits();
            AuditLog.Expected first = log.expect();
            AuditLog.Expected second = log.expect();
            CompletableFuture<Long> a = log.append(AuditLogTest.record(0));
            first.close();
            Thread.sleep(20); // without the wait, the first record's commit (one fsync) would be done by now
            CompletableFuture<Long> b = log.append(AuditLogTest.record(1));
            second.close();
            assertThat(a.get(5, TimeUnit.SECONDS)).isZero();
            assertThat(b.get(5, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(log.groupCommits() - before).as("one fsync for both records").isEqualTo(1);
        }
    }

    @Test
    void withoutTheWaitTheSameTwoRecordsTakeTwoCommits() throws Exception {
        try (AuditLog log = open(Duration.ZERO)) {
            long before = log.groupCommits();
            AuditLog.Expected first = log.expect();
            AuditLog.Expected second = log.expect();
            CompletableFuture<Long> a = log.append(AuditLogTest.record(0));
            first.close();
            assertThat(a.get(5, TimeUnit.SECONDS)).isZero();
            CompletableFuture<Long> b = log.append(AuditLogTest.record(1));
            second.close();
            assertThat(b.get(5, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(log.groupCommits() - before).isEqualTo(2);
        }
    }

    @Test
    void aRecordThatNeverComesHoldsACommitForTheBoundOnlyAndClosingTwiceCountsOnce() throws Exception {
        try (AuditLog log = open(Duration.ofMillis(300))) {
            AuditLog.Expected withdrawn = log.expect();
            log.expect(); // never closed: a request that is still on its way when the bound passes
            withdrawn.close();
            withdrawn.close();
            long start = System.nanoTime();
            assertThat(log.append(AuditLogTest.record(0)).get(5, TimeUnit.SECONDS)).isZero();
            assertThat(System.nanoTime() - start).as("waited for the announced record, up to the bound")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(300).toNanos());
        }
    }

    @Test
    void withdrawingTheLastAnnouncedRecordLetsTheCommitGoAtOnce() throws Exception {
        try (AuditLog log = open(Duration.ofSeconds(10))) {
            AuditLog.Expected stream = log.expect(); // a stream, whose record will come only at its end
            long start = System.nanoTime();
            CompletableFuture<Long> a = log.append(AuditLogTest.record(0));
            Thread.sleep(50);
            assertThat(a).as("the commit waits while the stream is announced").isNotDone();
            stream.close();
            assertThat(a.get(5, TimeUnit.SECONDS)).isZero();
            assertThat(System.nanoTime() - start).as("went when withdrawn, not at the bound")
                    .isLessThan(Duration.ofSeconds(9).toNanos());
        }
    }

    @Test
    void withNothingAnnouncedACommitDoesNotWait() throws Exception {
        try (AuditLog log = open(Duration.ofSeconds(10))) {
            long start = System.nanoTime();
            assertThat(log.append(AuditLogTest.record(0)).get(5, TimeUnit.SECONDS)).isZero();
            assertThat(System.nanoTime() - start).isLessThan(Duration.ofSeconds(9).toNanos());
        }
    }

    @Test
    void aWaitOutsideZeroToTenSecondsIsRefused() {
        try (AuditLog log = open(Duration.ZERO)) {
            assertThatThrownBy(() -> log.gatherExpectedFor(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> log.gatherExpectedFor(Duration.ofSeconds(11))).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
