package dev.bastion.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.config.SecretRef;
import dev.bastion.gateway.config.StoreSettings;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store contract against a real PostgreSQL ({@code .ci/postgres.sh} starts one and sets
 * BASTION_TEST_PG_URL, _USER and _PASSWORD). Without it the tests are skipped locally, but fail in CI.
 */
class PostgresStoreTest extends StoreContract {
    private static final String URL = System.getenv("BASTION_TEST_PG_URL");

    @TempDir
    Path dir;
    private String schema;

    @BeforeEach
    @Override
    void openStore() {
        if (URL == null) {
            assertThat(System.getenv("CI")).as("CI must run the PostgreSQL tests: run .ci/postgres.sh first").isNotEqualTo("true");
            Assumptions.abort("no PostgreSQL configured (BASTION_TEST_PG_URL); run eval \"$(.ci/postgres.sh)\"");
        }
        schema = "t_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        execute("CREATE SCHEMA " + schema);
        super.openStore();
    }

    @AfterEach
    @Override
    void closeStore() {
        if (store != null) {
            super.closeStore();
        }
        if (schema != null) {
            execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    @Override
    JdbcStore open() {
        Map<String, String> env = Map.of("PGPASS_FOR_TEST", System.getenv("BASTION_TEST_PG_PASSWORD"));
        String url = URL + (URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        return JdbcStore.open(new StoreSettings(url, Optional.of(System.getenv("BASTION_TEST_PG_USER")),
                Optional.of(new SecretRef.FromEnv("PGPASS_FOR_TEST"))), dir, env);
    }

    private static void execute(String sql) {
        try (Connection c = DriverManager.getConnection(URL, System.getenv("BASTION_TEST_PG_USER"),
                System.getenv("BASTION_TEST_PG_PASSWORD")); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
