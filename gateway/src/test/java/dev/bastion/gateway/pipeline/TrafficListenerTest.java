package dev.bastion.gateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.audit.AuditLog;
import dev.bastion.crypto.SigningKey;
import dev.bastion.gateway.config.AuditSettings;
import dev.bastion.store.keys.ApiKey;
import dev.bastion.store.keys.Role;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Traffic listeners hear each written request record as metadata, never its text, and cannot break the trail. */
class TrafficListenerTest {
    @TempDir
    Path dir;

    private static final ApiKey KEY = new ApiKey("key_0123456789abcdef", new byte[] {1}, Role.USER, "t1", List.of("*"),
            Instant.EPOCH, Optional.empty(), Optional.empty(), Optional.empty(), "billing service");

    private static void answer(AuditTrail trail, String requestId) {
        RequestFacts facts = RequestFacts.start("chat.completions", requestId, System.nanoTime()).authenticated(KEY)
                .routed("default", "m");
        Outcome answered = new Outcome.Answered(new Outcome.Reply.Whole(dev.bastion.gateway.api.Json.MAPPER
                .createObjectNode()), new Outcome.Usage(11, 4));
        assertThat(trail.recordBeforeAnswer(facts.close(answered))).isTrue();
    }

    @Test
    void aListenerHearsEachRequestRecordWithItsMetadataUntilRemoved() {
        try (AuditLog log = AuditLog.open(dir.resolve("audit"), SigningKey.loadOrCreate(dir.resolve("audit.key"),
                SigningKey.Algorithm.ED25519), "test", Clock.systemUTC(), 1000)) {
            AuditTrail trail = new AuditTrail(log, Clock.systemUTC(), () -> { }, AuditSettings.Durability.SYNC);
            List<TrafficListener.Event> heard = new CopyOnWriteArrayList<>();
            trail.addTrafficListener(e -> {
                throw new IllegalStateException("a broken listener");
            });
            Runnable remove = trail.addTrafficListener(heard::add);
            answer(trail, "req_1");
            trail.admin(null, "cli", "key.create", "k2");
            TrafficListener.Event e = heard.getFirst();
            assertThat(heard).hasSize(1);
            assertThat(e.requestId()).isEqualTo("req_1");
            assertThat(e.keyId()).contains(KEY.id());
            assertThat(e.keyLabel()).isEqualTo("billing service");
            assertThat(e.tenant()).contains("t1");
            assertThat(e.model()).contains("m");
            assertThat(e.status()).isEqualTo(200);
            assertThat(e.promptTokens()).isEqualTo(11);
            assertThat(e.completionTokens()).isEqualTo(4);
            assertThat(new String(log.record(e.index()), StandardCharsets.UTF_8)).contains("\"request_id\":\"req_1\"");
            remove.run();
            answer(trail, "req_2");
            assertThat(heard).hasSize(1);
        }
    }
}
