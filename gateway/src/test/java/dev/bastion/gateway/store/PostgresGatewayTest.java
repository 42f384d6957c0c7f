package dev.bastion.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.identity.Role;
import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.TestGateway;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole gateway on PostgreSQL: keys, revocation and usage go through the real database. */
class PostgresGatewayTest {
    private static final String URL = System.getenv("BASTION_TEST_PG_URL");

    @TempDir
    Path dir;

    @Test
    void gatewayOnPostgresAuthenticatesRevokesAndCountsUsage() throws Exception {
        if (URL == null) {
            assertThat(System.getenv("CI")).as("CI must run the PostgreSQL tests").isNotEqualTo("true");
            Assumptions.abort("no PostgreSQL configured (BASTION_TEST_PG_URL)");
        }
        String schema = "g_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        execute("CREATE SCHEMA " + schema);
        String url = URL + (URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        try (FakeUpstream upstream = FakeUpstream.start();
                TestGateway gateway = TestGateway.start(dir, "store:\n  url: \"" + url + "\"\n  username: "
                        + System.getenv("BASTION_TEST_PG_USER") + "\n  password-env: PG_TEST_PASSWORD\nmodels:\n"
                        + TestGateway.model("m", upstream, "local"),
                        Map.of("PG_TEST_PASSWORD", System.getenv("BASTION_TEST_PG_PASSWORD")))) {
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
            execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    private static void execute(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(URL, System.getenv("BASTION_TEST_PG_USER"),
                System.getenv("BASTION_TEST_PG_PASSWORD")); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
