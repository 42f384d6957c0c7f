package dev.bastion.store.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Versioned schema migrations: SQL resources {@code migrations/V<n>__<name>.sql}, applied in order, each in its
 * own transaction with its row in {@code schema_migrations}. Two processes starting at once are serialised (a
 * PostgreSQL advisory lock; SQLite's immediate write lock), so each migration runs exactly once. A database newer
 * than this build is refused.
 */
final class Migrations {
    /** The migrations this build knows, in order. Add new ones at the end; never edit an applied one. */
    static final List<String> ALL = List.of("V1__keys_and_usage.sql", "V2__conversations.sql",
            "V3__content_retention.sql", "V4__privacy_ledger.sql", "V5__usage_watermark.sql");

    private Migrations() {
    }

    static void apply(Connection c, boolean postgres) throws SQLException {
        Connections.inTransaction(c, tx -> {
            if (postgres) {
                try (Statement s = tx.createStatement()) {
                    s.execute("SELECT pg_advisory_xact_lock(727274)");
                }
            }
            try (Statement s = tx.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)");
            }
            int current = currentVersion(tx);
            if (current > ALL.size()) {
                throw new SQLException("the database schema is at version " + current + " but this build knows only "
                        + ALL.size() + "; it was written by a newer Bastion. Upgrade Bastion or use another store.");
            }
            for (int v = current + 1; v <= ALL.size(); v++) {
                try (Statement s = tx.createStatement()) {
                    for (String statement : statements(ALL.get(v - 1))) {
                        s.execute(statement);
                    }
                }
                try (PreparedStatement p = tx.prepareStatement("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)")) {
                    p.setInt(1, v);
                    p.setLong(2, System.currentTimeMillis());
                    p.executeUpdate();
                }
            }
            return null;
        });
    }

    static int currentVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT MAX(version) FROM schema_migrations")) {
            return r.next() ? r.getInt(1) : 0;
        }
    }

    private static List<String> statements(String resource) {
        try (InputStream in = Migrations.class.getResourceAsStream("migrations/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("migration " + resource + " is missing from the build");
            }
            String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            List<String> out = new ArrayList<>();
            StringBuilder current = new StringBuilder();
            for (String line : sql.split("\n")) {
                if (line.strip().startsWith("--")) {
                    continue;
                }
                current.append(line).append('\n');
                if (line.strip().endsWith(";")) {
                    String stmt = current.toString().strip();
                    out.add(stmt.substring(0, stmt.length() - 1));
                    current.setLength(0);
                }
            }
            if (!current.toString().isBlank()) {
                out.add(current.toString().strip());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
