package dev.bastion.store.jdbc;

import dev.bastion.store.StoreException;
import dev.bastion.store.usage.UsageRepository.Usage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The lease of the one active audit sequencer of a cluster: a PostgreSQL session-level advisory lock, held by a
 * connection of its own (outside the pool) for as long as that session lives. A sequencer killed with any signal
 * loses its session and so its lease; the next one to ask gets it.
 *
 * <p>The usage the sequencer projects from the audit topic is written on the same session, in one transaction with
 * the topic offset it has consumed ({@link #commit}). So a sequencer whose session ended (terminated, network lost,
 * its lease given to a successor) cannot write: its transaction fails with the session. Exactly once into
 * PostgreSQL follows: a successor starts from the committed offset, and no commit lands without its offset.
 *
 * <p>Not thread-safe: the sequencer's one thread uses it.
 */
public final class SequencerLease implements AutoCloseable {
    private final Connection session;
    private final long lockKey;

    private SequencerLease(Connection session, long lockKey) {
        this.session = session;
        this.lockKey = lockKey;
    }

    /**
     * Takes the lease named {@code name} if nobody holds it.
     *
     * @return the lease, or empty when another session holds it
     * @throws StoreException when the database is not PostgreSQL or cannot be reached
     */
    public static Optional<SequencerLease> tryAcquire(Database db, String name) {
        Objects.requireNonNull(name, "name");
        if (!db.isPostgres()) {
            throw new StoreException("the audit sequencer needs PostgreSQL (store.url jdbc:postgresql:...): its lease "
                    + "is an advisory lock", null);
        }
        long key = lockKey(name);
        Connection c = null;
        try {
            c = db.openDedicated();
            c.setAutoCommit(true);
            try (PreparedStatement p = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                p.setLong(1, key);
                try (ResultSet r = p.executeQuery()) {
                    r.next();
                    if (r.getBoolean(1)) {
                        return Optional.of(new SequencerLease(c, key));
                    }
                }
            }
            c.close();
            return Optional.empty();
        } catch (SQLException e) {
            closeQuietly(c);
            throw new StoreException("cannot ask for the sequencer lease in the PostgreSQL store (" + state(e) + ")", e);
        }
    }

    /** The advisory lock key of a lease name: the first 8 bytes of SHA-256 of "bastion-sequencer:" + name. */
    public static long lockKey(String name) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(("bastion-sequencer:" + name).getBytes(StandardCharsets.UTF_8));
            return java.nio.ByteBuffer.wrap(h).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /**
     * Whether the session, and so the lease, is still alive: a lock taken with {@code pg_try_advisory_lock} is held
     * until it is unlocked (never, here) or the session ends.
     */
    public boolean held() {
        try (PreparedStatement p = session.prepareStatement("SELECT 1")) {
            try (ResultSet r = p.executeQuery()) {
                return r.next();
            }
        } catch (SQLException e) {
            return false;
        }
    }

    /** The lock key, for tests that end the session from outside ({@code pg_terminate_backend}). */
    public long lockKey() {
        return lockKey;
    }

    /** The offset the usage of {@code watermarkName} was last committed with, if ever. */
    public OptionalLong committedOffset(String watermarkName) {
        try (PreparedStatement p = session.prepareStatement("SELECT audit_index FROM usage_watermark WHERE log_id = ?")) {
            p.setString(1, watermarkName);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? OptionalLong.of(r.getLong(1)) : OptionalLong.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the sequencer's committed offset (" + state(e) + ")", e);
        }
    }

    /**
     * Adds {@code deltas} to the usage counters and sets {@code watermarkName}'s offset, in one transaction on the
     * lease's session.
     *
     * @throws StoreException when the transaction fails, the session (and so the lease) being lost included:
     *     nothing was written, and the caller must stop
     */
    public void commit(List<Usage> deltas, String watermarkName, long offset) {
        try {
            session.setAutoCommit(false);
            try {
                JdbcUsageRepository.add(session, deltas);
                JdbcUsageRepository.setWatermark(session, watermarkName, offset);
                session.commit();
            } catch (SQLException e) {
                try {
                    session.rollback();
                } catch (SQLException ignored) {
                    // the session is gone; the server rolls back with it
                }
                throw e;
            } finally {
                session.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot commit the sequencer's usage and offset (" + state(e) + ")", e);
        }
    }

    /** Ends the session, which releases the lease. */
    @Override
    public void close() {
        closeQuietly(session);
    }

    private static String state(SQLException e) {
        return e.getSQLState() == null ? e.getClass().getSimpleName() : "SQL state " + e.getSQLState();
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing; nothing to do
            }
        }
    }
}
