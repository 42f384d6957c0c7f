package dev.bastion.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Tells this replica when another one (or the CLI) creates or revokes a key in the shared PostgreSQL store, so a
 * cache of recognised keys never serves a revoked key for more than about half a second.
 *
 * <p>Two mechanisms. A listener thread holds a connection of its own, outside the pool, that LISTENs on
 * {@link #CHANNEL}; {@link JdbcKeyRepository} NOTIFYs there with the key id in the transaction of each change,
 * and PostgreSQL delivers it on commit: the listener forgets that key. When that connection breaks (a database
 * restart, a proxy that dropped it), a poller compares a change stamp of the keys table every
 * {@link #POLL_MILLIS} ms, and forgets every key when it moves or cannot be read; the listener connects again
 * after {@code reconnectMillis} and, once it listens, forgets every key once more (changes made while nobody
 * listened were announced to nobody). This class is thread-safe.
 */
public final class PostgresKeyChanges implements AutoCloseable {
    /** The NOTIFY channel of key changes; the payload is the key id. */
    public static final String CHANNEL = "bastion_key_changes";
    static final long POLL_MILLIS = 500;
    private static final System.Logger LOG = System.getLogger(PostgresKeyChanges.class.getName());

    /** What to do when keys change. Called on the listener's or the poller's thread; must not block long. */
    public interface Listener {
        /** Key {@code id} was created, revoked or otherwise changed. */
        void keyChanged(String id);

        /** Some keys may have changed, and which is not known. */
        void keysMayHaveChanged();
    }

    private final Database db;
    private final Listener listener;
    private final long reconnectMillis;
    private final Thread listening;
    private final ScheduledExecutorService poller;
    private volatile boolean listeningNow;
    private volatile boolean closed;
    private volatile Connection connection;
    private volatile List<Long> stamp;

    private PostgresKeyChanges(Database db, Listener listener, long reconnectMillis) {
        this.db = db;
        this.listener = listener;
        this.reconnectMillis = reconnectMillis;
        this.listening = Thread.ofPlatform().daemon().name("bastion-key-changes").unstarted(this::listen);
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon()
                .name("bastion-key-changes-poll").unstarted(r));
    }

    /**
     * Starts listening on {@code db}, which must be PostgreSQL.
     *
     * @throws IllegalArgumentException for an SQLite store (one process, nothing to listen to)
     */
    public static PostgresKeyChanges start(Database db, Listener listener) {
        return start(db, listener, 1000);
    }

    /** As above, connecting again {@code reconnectMillis} after the listening connection breaks (tests wait longer). */
    static PostgresKeyChanges start(Database db, Listener listener, long reconnectMillis) {
        Objects.requireNonNull(db, "db");
        Objects.requireNonNull(listener, "listener");
        if (!db.isPostgres()) {
            throw new IllegalArgumentException("key changes are announced only by a PostgreSQL store");
        }
        PostgresKeyChanges changes = new PostgresKeyChanges(db, listener, reconnectMillis);
        changes.stamp = changes.readStamp();
        changes.listening.start();
        changes.poller.scheduleWithFixedDelay(changes::poll, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
        return changes;
    }

    /** Whether the listening connection is up (else the poller is watching). */
    public boolean listening() {
        return listeningNow;
    }

    /** The listener thread: LISTEN, then hand each notification over; on failure wait and connect again. */
    private void listen() {
        boolean warned = false;
        while (!closed) {
            try (Connection c = db.openDedicated()) {
                connection = c;
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                }
                listeningNow = true;
                if (warned) {
                    LOG.log(System.Logger.Level.INFO, "listening for key changes again");
                    warned = false;
                }
                listener.keysMayHaveChanged(); // anything changed while nobody listened
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] received = pg.getNotifications((int) POLL_MILLIS);
                    if (received != null) {
                        for (PGNotification n : received) {
                            listener.keyChanged(n.getParameter());
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                listeningNow = false;
                if (closed) {
                    return;
                }
                if (!warned) {
                    LOG.log(System.Logger.Level.WARNING, "the connection listening for key changes broke ("
                            + e.getClass().getSimpleName() + "); polling every " + POLL_MILLIS + " ms until it is back");
                    warned = true;
                }
                listener.keysMayHaveChanged();
                try {
                    Thread.sleep(reconnectMillis);
                } catch (InterruptedException interrupted) {
                    return;
                }
            } finally {
                listeningNow = false;
                connection = null;
            }
        }
    }

    /** The poller: while not listening, forget every key when the change stamp moves or cannot be read. */
    private void poll() {
        if (closed || listeningNow) {
            return;
        }
        try {
            List<Long> now = readStamp();
            if (!now.equals(stamp)) {
                stamp = now;
                listener.keysMayHaveChanged();
            }
        } catch (RuntimeException e) {
            listener.keysMayHaveChanged(); // cannot tell: nothing cached is trusted
        }
    }

    /**
     * A value that moves with every change the repository makes: keys created (their count and newest creation)
     * and revoked (their count and latest revocation), and per-key limits changed (a checksum of them). A new kind
     * of change must move it too.
     */
    private List<Long> readStamp() {
        return db.run("read the key change stamp", c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT COUNT(*), COUNT(revoked_at), "
                    + "COALESCE(MAX(created_at), 0), COALESCE(MAX(revoked_at), 0), "
                    + "COALESCE(SUM((COALESCE(limit_rpm, -1) * 1000003 + COALESCE(limit_tpm, -1)) * 31 "
                    + "+ COALESCE(limit_concurrent, -1)), 0) FROM api_keys");
                    ResultSet r = p.executeQuery()) {
                r.next();
                return List.of(r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4), r.getLong(5));
            }
        });
    }

    /** The listening connection's server process, so a test can break it (pg_terminate_backend). */
    int backendPid() throws SQLException {
        Connection c = connection;
        if (c == null) {
            throw new SQLException("not listening now");
        }
        return c.unwrap(PGConnection.class).getBackendPID();
    }

    @Override
    public void close() {
        closed = true;
        poller.shutdownNow();
        Connection c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
        listening.interrupt();
    }
}
