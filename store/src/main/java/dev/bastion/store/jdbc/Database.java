package dev.bastion.store.jdbc;

import dev.bastion.crypto.InsecureSecretAccess;
import dev.bastion.crypto.SecretBytes;
import dev.bastion.store.OwnerOnly;
import dev.bastion.store.StoreException;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import org.sqlite.SQLiteConfig;

/**
 * One SQL database holding Bastion's state: an embedded SQLite file, or PostgreSQL for a {@code jdbc:postgresql:}
 * URL. Opening it applies the schema migrations. It runs no queries of its own: the repositories in this package
 * (keys, usage, conversations, privacy ledgers) do, each over the connections this object lends them.
 *
 * <p>SQLite runs in WAL mode with {@code synchronous=FULL} (a committed key survives power loss), a busy timeout
 * so several processes (a running gateway and {@code bastion keys}) can share the file, and immediate
 * transactions so concurrent writers queue instead of failing. Thread-safe.
 */
public final class Database implements AutoCloseable {
    private final Connections pool;
    private final String description;
    private final boolean postgres;

    private Database(Connections pool, String description, boolean postgres) {
        this.pool = pool;
        this.description = description;
        this.postgres = postgres;
    }

    /** Opens (and migrates) the embedded SQLite database {@code file}, created owner-only if missing. */
    public static Database sqlite(Path file) {
        return open("jdbc:sqlite:" + file, Optional.empty(), Optional.empty());
    }

    /**
     * Opens (and migrates) the database at {@code url}.
     *
     * @param url a {@code jdbc:sqlite:} or {@code jdbc:postgresql:} URL
     * @param username the database user (PostgreSQL)
     * @param password the database password (PostgreSQL)
     * @throws IllegalArgumentException for another kind of URL
     * @throws StoreException naming the database when it cannot be opened, is not a database, or is newer than
     *     this build
     */
    public static Database open(String url, Optional<String> username, Optional<SecretBytes> password) {
        Objects.requireNonNull(url, "url");
        boolean postgres = url.startsWith("jdbc:postgresql:");
        if (!postgres && !url.startsWith("jdbc:sqlite:")) {
            throw new IllegalArgumentException("the store URL must start with jdbc:sqlite: or jdbc:postgresql:");
        }
        String description = postgres ? "the PostgreSQL store" : "the SQLite store " + url.substring("jdbc:sqlite:".length());
        Connections pool;
        if (postgres) {
            Properties props = new Properties();
            username.ifPresent(u -> props.setProperty("user", u));
            password.ifPresent(p -> props.setProperty("password", p.toUtf8(InsecureSecretAccess.get())));
            props.setProperty("connectTimeout", "10");
            pool = new Connections(() -> DriverManager.getConnection(url, props), 8);
        } else {
            sqlitePath(url).ifPresent(OwnerOnly::sqliteFile);
            SQLiteConfig config = new SQLiteConfig();
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
            config.setBusyTimeout(10_000);
            config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
            config.enforceForeignKeys(true);
            Properties props = config.toProperties();
            // WAL lets readers (key lookups on every request) run beside the one writer, so a few connections
            // keep requests from queueing behind each other; writers still serialise on SQLite's lock.
            pool = new Connections(() -> DriverManager.getConnection(url, props), 4);
        }
        try {
            pool.with(c -> {
                Migrations.apply(c, postgres);
                return null;
            });
        } catch (SQLException e) {
            pool.close();
            throw new StoreException("cannot open " + description + ": " + e.getMessage(), e);
        }
        return new Database(pool, description, postgres);
    }

    /** The file of a plain {@code jdbc:sqlite:<path>} URL; empty for in-memory databases and URI forms. */
    private static Optional<Path> sqlitePath(String url) {
        String target = url.substring("jdbc:sqlite:".length());
        if (target.isEmpty() || target.startsWith(":") || target.startsWith("file:") || target.contains("?")) {
            return Optional.empty();
        }
        return Optional.of(Path.of(target));
    }

    /** Whether this is a PostgreSQL server (shared by replicas; it can LISTEN and NOTIFY). */
    public boolean isPostgres() {
        return postgres;
    }

    /** A new connection outside the pool, for a session of its own (LISTEN); the caller closes it. */
    java.sql.Connection openDedicated() throws SQLException {
        return pool.openDedicated();
    }

    /** Whether the database answers now (for readiness). */
    public boolean isReachable() {
        try {
            return pool.with(c -> c.isValid(2));
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    /** Runs {@code work} on a borrowed connection; a failure names the operation and the database, never values. */
    <T> T run(String operation, Connections.Work<T> work) {
        try {
            return pool.with(work);
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? e.getClass().getSimpleName() : "SQL state " + e.getSQLState();
            throw new StoreException("cannot " + operation + " in " + description + " (" + state + ")", e);
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
