package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Role;
import dev.bastion.store.testing.PostgresSchema;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole gateway on PostgreSQL: keys, revocation and usage go through the real database. */
class PostgresGatewayTest {
    @TempDir
    Path dir;

    @Test
    void gatewayOnPostgresAuthenticatesRevokesAndCountsUsage() throws Exception {
        PostgresSchema schema = PostgresSchema.create();
        try (FakeUpstream upstream = FakeUpstream.start();
                TestGateway gateway = TestGateway.start(dir, "store:\n  url: \"" + schema.scopedUrl() + "\"\n  username: "
                        + schema.user() + "\n  password-env: PG_TEST_PASSWORD\nmodels:\n"
                        + TestGateway.model("m", upstream, "local"), Map.of("PG_TEST_PASSWORD", schema.password()))) {
            String key = gateway.createKey(Role.USER, "pg-tenant", List.of("*"));
            for (int i = 0; i < 3; i++) {
                assertThat(gateway.post("/v1/chat/completions", key, TestGateway.chat("m", "hi", false)).status()).isEqualTo(200);
            }
            assertThat(gateway.get("/admin/v1/usage?tenant=pg-tenant", gateway.adminKey()).json()
                    .at("/data/0/requests").asLong()).isEqualTo(3);
            String id = gateway.gateway().keys().list().getLast().id();
            gateway.gateway().keys().revoke(id);
            assertThat(gateway.post("/v1/chat/completions", key, TestGateway.chat("m", "hi", false)).status()).isEqualTo(401);
            assertThat(gateway.get("/readyz", null).status()).isEqualTo(200);
        } finally {
            schema.drop();
        }
    }
}
