package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.jdbc.Database;
import dev.bastion.store.jdbc.JdbcKeyRepository;
import dev.bastion.store.keys.ApiKey;
import dev.bastion.store.keys.Role;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway reads the keys in use again in the background (KeyService.keepFresh); a key revoked by another process
 * sharing the store, as the CLI does, is still refused once the cache second has passed, not kept alive by the
 * background reads.
 */
class KeyRefreshGatewayTest {
    @TempDir
    Path dir;

    @Test
    void aKeyRevokedByAnotherProcessIsRefusedWhileTheBackgroundRefreshRuns() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start();
                TestGateway gateway = TestGateway.start(dir, "models:\n" + TestGateway.model("m", upstream, "local"))) {
            String key = gateway.createKey(Role.USER, "other-process", List.of("*"));
            String chat = TestGateway.chat("m", "hello", true);
            assertThat(gateway.post("/v1/chat/completions", key, chat).status()).isEqualTo(200);
            Thread.sleep(1_500); // past the first read's second: the key is served from a background read now
            assertThat(gateway.post("/v1/chat/completions", key, chat).status()).isEqualTo(200);

            try (Database store = Database.sqlite(dir.resolve("data/bastion.db"))) { // the CLI's own connection
                JdbcKeyRepository keys = new JdbcKeyRepository(store);
                ApiKey stored = keys.listKeys().stream().filter(k -> k.tenant().equals("other-process")).findFirst()
                        .orElseThrow();
                assertThat(keys.revokeKey(stored.id(), Instant.now())).isTrue();
            }
            long revoked = System.nanoTime();
            int status = 200;
            while (status == 200 && System.nanoTime() - revoked < 10_000_000_000L) {
                status = gateway.post("/v1/chat/completions", key, chat).status();
                if (status == 200) {
                    Thread.sleep(50);
                }
            }
            assertThat(status).as("refused after the revocation by another process").isEqualTo(401);
            assertThat(gateway.post("/v1/chat/completions", key, chat).status()).isEqualTo(401);
        }
    }
}
