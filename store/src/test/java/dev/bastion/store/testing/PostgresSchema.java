package dev.bastion.store.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.crypto.InsecureSecretAccess;
import dev.bastion.crypto.SecretBytes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;

/**
 * A fresh schema on the test PostgreSQL server that {@code .ci/postgres.sh} starts (it prints BASTION_TEST_PG_URL,
 * _USER and _PASSWORD). Without that server a test that asks for a schema is skipped locally and fails in CI.
 *
 * @param url the server's JDBC URL
 * @param user the database user
 * @param password the user's password (a test password)
 * @param name the schema's name
 */
public record PostgresSchema(String url, String user, String password, String name) {
    /** Creates a new, empty schema, or skips the calling test when no server is configured. */
    public static PostgresSchema create() {
        String url = System.getenv("BASTION_TEST_PG_URL");
        if (url == null) {
            assertThat(System.getenv("CI")).as("CI must run the PostgreSQL tests: run .ci/postgres.sh first")
                    .isNotEqualTo("true");
            Assumptions.abort("no PostgreSQL configured (BASTION_TEST_PG_URL); run eval \"$(.ci/postgres.sh)\"");
        }
        PostgresSchema schema = new PostgresSchema(url, System.getenv("BASTION_TEST_PG_USER"),
                System.getenv("BASTION_TEST_PG_PASSWORD"),
                "t_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE));
        schema.execute("CREATE SCHEMA " + schema.name);
        return schema;
    }

    /** The JDBC URL that puts every table in this schema. */
    public String scopedUrl() {
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + name;
    }

    /** The password as the store takes it. */
    public SecretBytes secret() {
        return SecretBytes.ofUtf8(password, InsecureSecretAccess.get());
    }

    /** Drops the schema and everything in it. */
    public void drop() {
        execute("DROP SCHEMA " + name + " CASCADE");
    }

    private void execute(String sql) {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the PostgreSQL test schema (" + e.getSQLState() + ")", e);
        }
    }
}
