package dev.bastion.spark;

import dev.bastion.crypto.Envelope;
import dev.bastion.guard.pseudonym.Sealer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The vault of record of a Spark pseudonymisation: one row per surrogate, holding the original sealed under the
 * master key, in SQLite (a file on a disk the executors share) or PostgreSQL.
 *
 * <p>Idempotent by construction: the primary key is (entity type, full keyed hash of the value), and a row is
 * inserted with {@code ON CONFLICT DO NOTHING}, so a task that is retried, re-run after a lost executor, or run
 * twice speculatively writes each row at most once, whichever attempt gets there first (every attempt's rows open
 * to the same original). A surrogate is the first 64 bits of that hash; two values sharing one surrogate would
 * break the {@code UNIQUE} constraint on it and fail the task loudly rather than restore the wrong value.
 *
 * <p>Rows are written in one transaction per batch; a partition's rows are committed before the task returns its
 * output, so no committed output names a surrogate the vault lacks. Not thread-safe: one instance per task.
 */
final class Vault implements AutoCloseable {
    static final String TABLE = "bastion_spark_vault";
    private static final String CONTEXT = "bastion spark vault v1:";

    /** A row to write. */
    record Row(String type, String valueMac, String surrogate, byte[] sealed) {
        Row {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(valueMac, "valueMac");
            Objects.requireNonNull(surrogate, "surrogate");
            Objects.requireNonNull(sealed, "sealed");
        }
    }

    private final Connection connection;

    private Vault(Connection connection) {
        this.connection = connection;
    }

    /**
     * Opens the vault at {@code url}, creating its table when missing.
     *
     * @throws IllegalArgumentException when the URL is neither SQLite nor PostgreSQL
     * @throws IllegalStateException naming the URL's database kind (not the URL, which may hold credentials)
     */
    static Vault open(String url) {
        boolean sqlite = url.startsWith("jdbc:sqlite:");
        if (!sqlite && !url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("--vault is a jdbc:sqlite:FILE or jdbc:postgresql://HOST/DB URL");
        }
        try {
            Connection c = DriverManager.getConnection(url);
            try (Statement s = c.createStatement()) {
                if (sqlite) {
                    s.execute("PRAGMA busy_timeout = 120000"); // executors of one machine take turns to write
                    s.execute("PRAGMA journal_mode = WAL");
                }
                try {
                    s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (entity_type TEXT NOT NULL, value_mac TEXT NOT NULL, "
                            + "surrogate TEXT NOT NULL UNIQUE, sealed TEXT NOT NULL, PRIMARY KEY (entity_type, value_mac))");
                } catch (SQLException e) {
                    // PostgreSQL's IF NOT EXISTS is not atomic: of two tasks creating the table at once, one fails
                    // with unique_violation (on pg_type), duplicate_table or duplicate_object (its
                    // primary key index). The table is there: carry on.
                    if (sqlite || !List.of("23505", "42P07", "42710").contains(e.getSQLState())) {
                        throw e;
                    }
                }
            }
            c.setAutoCommit(false);
            return new Vault(c);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the " + (sqlite ? "SQLite" : "PostgreSQL") + " vault: "
                    + e.getClass().getSimpleName() + " (SQL state " + e.getSQLState() + ")", e);
        }
    }

    /** What a sealed original is bound to: its surrogate. */
    static byte[] context(String surrogate) {
        return (CONTEXT + surrogate).getBytes(StandardCharsets.UTF_8);
    }

    /** Writes the rows not already present, in one transaction; returns how many were new. */
    int write(Collection<Row> rows) {
        String sql = "INSERT INTO " + TABLE + " (entity_type, value_mac, surrogate, sealed) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (entity_type, value_mac) DO NOTHING";
        try (PreparedStatement p = connection.prepareStatement(sql)) {
            for (Row r : rows) {
                p.setString(1, r.type());
                p.setString(2, r.valueMac());
                p.setString(3, r.surrogate());
                p.setString(4, Base64.getEncoder().encodeToString(r.sealed()));
                p.addBatch();
            }
            int added = 0;
            for (int n : p.executeBatch()) {
                added += Math.max(n, 0);
            }
            connection.commit();
            return added;
        } catch (SQLException e) {
            try {
                connection.rollback();
            } catch (SQLException ignored) {
                // the connection is gone; the task fails below either way
            }
            throw new IllegalStateException("vault write failed: " + e.getClass().getSimpleName() + " (SQL state "
                    + e.getSQLState() + "; a UNIQUE failure on surrogate is two values with one 64-bit surrogate)", e);
        }
    }

    /** The number of rows, and of distinct surrogates (equal unless the store lost its constraints). */
    long[] counts() {
        try (Statement s = connection.createStatement();
                ResultSet r = s.executeQuery("SELECT COUNT(*), COUNT(DISTINCT surrogate) FROM " + TABLE)) {
            r.next();
            long[] out = {r.getLong(1), r.getLong(2)};
            connection.commit();
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count the vault rows: SQL state " + e.getSQLState(), e);
        }
    }

    /** The original behind {@code surrogate}, opened with the master key; empty when no row holds it or it does not open. */
    Optional<String> original(String surrogate, Envelope masterKey) {
        try (PreparedStatement p = connection.prepareStatement("SELECT sealed FROM " + TABLE + " WHERE surrogate = ?")) {
            p.setString(1, surrogate);
            try (ResultSet r = p.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                byte[] sealed = Base64.getDecoder().decode(r.getString(1));
                Sealer opener = Sealer.portable(masterKey, new byte[0], TextRewriter.VAULT_SUBJECT);
                return Optional.of(new String(opener.open(sealed, context(surrogate)), StandardCharsets.UTF_8));
            } finally {
                connection.commit();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the vault: SQL state " + e.getSQLState(), e);
        } catch (GeneralSecurityException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot close the vault: SQL state " + e.getSQLState(), e);
        }
    }
}
