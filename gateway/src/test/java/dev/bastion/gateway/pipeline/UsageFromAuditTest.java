package dev.bastion.gateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.audit.AuditLog;
import dev.bastion.crypto.SigningKey;
import dev.bastion.gateway.config.AuditSettings;
import dev.bastion.store.jdbc.Database;
import dev.bastion.store.jdbc.JdbcUsageRepository;
import dev.bastion.store.keys.ApiKey;
import dev.bastion.store.keys.Role;
import dev.bastion.store.usage.UsageRepository;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Usage is counted from durable audit records and written with a watermark, so a process that stops without
 * writing its counters (as after kill -9) loses none of them and a restart counts none twice.
 */
class UsageFromAuditTest {
    @TempDir
    Path dir;

    private static final ApiKey KEY = new ApiKey("key_0123456789abcdef", new byte[] {1}, Role.USER, "t1", List.of("*"), Instant.EPOCH,
            Optional.empty(), Optional.empty(), Optional.empty(), "");

    private AuditLog openLog() {
        return AuditLog.open(dir.resolve("audit"), SigningKey.loadOrCreate(dir.resolve("audit.key"),
                SigningKey.Algorithm.ED25519), "test", Clock.systemUTC(), 1000);
    }

    /** One answered request through the trail, awaited as the pipeline awaits it. */
    private static void answer(AuditTrail trail, int n, long prompt, long completion) {
        RequestFacts facts = RequestFacts.start("chat.completions", "req_" + n, System.nanoTime()).authenticated(KEY)
                .routed("default", "m");
        Outcome answered = new Outcome.Answered(new Outcome.Reply.Whole(dev.bastion.gateway.api.Json.MAPPER
                .createObjectNode()), new Outcome.Usage(prompt, completion));
        assertThat(trail.recordBeforeAnswer(facts.close(answered))).isTrue();
    }

    private static long[] totals(UsageRepository repo) {
        long[] t = new long[3];
        for (UsageRepository.Usage u : repo.usage(Optional.empty(), Optional.empty())) {
            t[0] += u.requests();
            t[1] += u.promptTokens();
            t[2] += u.completionTokens();
        }
        return t;
    }

    @Test
    void countersUnwrittenAtACrashAreCountedOnceAtTheNextStart() {
        try (Database db = Database.sqlite(dir.resolve("bastion.db"))) {
            UsageRepository repo = new JdbcUsageRepository(db);
            try (AuditLog log = openLog()) {
                UsageRecorder usage = new UsageRecorder(repo);
                usage.recover(log);
                AuditTrail trail = new AuditTrail(log, Clock.systemUTC(), () -> { }, AuditSettings.Durability.SYNC);
                trail.countUsage(usage);
                answer(trail, 1, 10, 5);
                answer(trail, 2, 10, 5);
                usage.flush();
                assertThat(totals(repo)).containsExactly(2, 20, 10);
                answer(trail, 3, 7, 3);
                trail.admin(null, "cli", "key.create", "k2"); // records without usage move the mark too
                answer(trail, 4, 7, 3);
                // no flush: the process dies here with two answered requests not yet in the counters
            }
            assertThat(totals(repo)).containsExactly(2, 20, 10);
            for (int restart = 0; restart < 2; restart++) { // the second start finds nothing left to count
                try (AuditLog log = openLog()) {
                    new UsageRecorder(repo).recover(log);
                }
                assertThat(totals(repo)).as("after start " + (restart + 1)).containsExactly(4, 34, 16);
            }
        }
    }

    @Test
    void refusedRequestsWithoutTokensAreNotCountedAndAStoreWithoutAMarkStartsAtTheEndOfTheLog() {
        try (Database db = Database.sqlite(dir.resolve("bastion.db"))) {
            UsageRepository repo = new JdbcUsageRepository(db);
            try (AuditLog log = openLog()) {
                AuditTrail trail = new AuditTrail(log, Clock.systemUTC(), () -> { }, AuditSettings.Durability.SYNC);
                answer(trail, 1, 10, 5); // written before usage was counted from the log: counted elsewhere
            }
            try (AuditLog log = openLog()) {
                UsageRecorder usage = new UsageRecorder(repo);
                usage.recover(log);
                assertThat(totals(repo)).containsExactly(0, 0, 0);
                assertThat(repo.auditWatermark(log.keyId())).hasValue(0);
                AuditTrail trail = new AuditTrail(log, Clock.systemUTC(), () -> { }, AuditSettings.Durability.SYNC);
                trail.countUsage(usage);
                RequestFacts refused = RequestFacts.start("chat.completions", "req_x", System.nanoTime()).authenticated(KEY);
                trail.record(refused.close(new Outcome.Refused(dev.bastion.gateway.api.ApiError.invalidAuth()))).join();
                answer(trail, 2, 1, 1);
                usage.flush();
                assertThat(totals(repo)).containsExactly(1, 1, 1);
                assertThat(repo.auditWatermark(log.keyId())).hasValue(2);
            }
        }
    }
}
