package dev.bastion.gateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.audit.AuditLog;
import dev.bastion.crypto.SigningKey;
import dev.bastion.gateway.config.AuditSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code audit.commit-wait} with sync durability: a group commit waits for the records of requests announced as in
 * flight ({@link AuditTrail#expect}), so one fsync covers them; a stream's announcement is withdrawn.
 */
class CommitWaitTest {
    @TempDir
    Path dir;

    private AuditLog openLog() {
        return AuditLog.open(dir.resolve("audit"), SigningKey.loadOrCreate(dir.resolve("audit.key"),
                SigningKey.Algorithm.ED25519), "test", Clock.systemUTC(), 1000);
    }

    private static AuditRecord answered(String id) {
        return RequestFacts.start("chat.completions", id, System.nanoTime()).close(new Outcome.Answered(
                new Outcome.Reply.Whole(dev.bastion.gateway.api.Json.MAPPER.createObjectNode()), Outcome.Usage.NONE));
    }

    private static CompletableFuture<Boolean> answerLater(AuditTrail trail, String id) {
        return CompletableFuture.supplyAsync(() -> trail.recordBeforeAnswer(answered(id)),
                r -> Thread.ofVirtual().start(r));
    }

    @Test
    void twoRequestsInFlightShareOneFsync() throws Exception {
        try (AuditLog log = openLog()) {
            AuditTrail trail = new AuditTrail(log, Clock.systemUTC(), () -> { }, AuditSettings.Durability.SYNC,
                    Duration.ofSeconds(10));
            long before = log.groupCommits();
            trail.expect("req_a");
            trail.expect("req_b");
            CompletableFuture<Boolean> a = answerLater(trail, "req_a");
            Thread.sleep(20); // without the wait, req_a's commit would be done by now
            assertThat(a).as("req_a waits for req_b, which is in flight").isNotDone();
            CompletableFuture<Boolean> b = answerLater(trail, "req_b");
            assertThat(a.get(5, TimeUnit.SECONDS)).isTrue();
            assertThat(b.get(5, TimeUnit.SECONDS)).isTrue();
            assertThat(log.groupCommits() - before).isEqualTo(1);
            assertThat(log.size()).isEqualTo(2);
        }
    }

    @Test
    void aSettledStreamDoesNotHoldOtherCommits() throws Exception {
        try (AuditLog log = openLog()) {
            AuditTrail trail = new AuditTrail(log, Clock.systemUTC(), () -> { }, AuditSettings.Durability.SYNC,
                    Duration.ofSeconds(10));
            trail.expect("req_stream");
            trail.expect("req_a");
            trail.settle("req_stream"); // as ChatEndpoint does when a stream starts
            trail.settle("req_stream"); // and again at the pipeline's end: counted once
            long start = System.nanoTime();
            assertThat(answerLater(trail, "req_a").get(5, TimeUnit.SECONDS)).isTrue();
            assertThat(System.nanoTime() - start).as("not held to the 10 s bound")
                    .isLessThan(Duration.ofSeconds(9).toNanos());
        }
    }

    @Test
    void withAsyncDurabilityNothingIsAnnounced() throws Exception {
        try (AuditLog log = openLog()) {
            AuditTrail trail = new AuditTrail(log, Clock.systemUTC(), () -> { }, AuditSettings.Durability.ASYNC,
                    Duration.ofSeconds(10));
            trail.expect("req_never_recorded");
            long start = System.nanoTime();
            assertThat(trail.record(answered("req_a")).get(5, TimeUnit.SECONDS)).isZero();
            assertThat(System.nanoTime() - start).isLessThan(Duration.ofSeconds(9).toNanos());
        }
    }
}
