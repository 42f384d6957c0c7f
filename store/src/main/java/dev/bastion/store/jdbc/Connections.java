package dev.bastion.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A fixed-size pool of JDBC connections, opened on demand. A connection that failed is discarded and replaced on
 * the next borrow. Thread-safe.
 */
final class Connections implements AutoCloseable {
    /** Opens a new connection. */
    @FunctionalInterface
    interface Factory {
        Connection open() throws SQLException;
    }

    private final Factory factory;
    private final BlockingQueue<Connection> idle;
    private final java.util.concurrent.Semaphore permits;
    private volatile boolean closed;

    Connections(Factory factory, int size) {
        this.factory = factory;
        this.idle = new ArrayBlockingQueue<>(size);
        this.permits = new java.util.concurrent.Semaphore(size, true);
    }

    /** A new connection that is not part of the pool and never returns to it. */
    Connection openDedicated() throws SQLException {
        if (closed) {
            throw new SQLException("the store is closed");
        }
        return factory.open();
    }

    /** Work done with a borrowed connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    <T> T with(Work<T> work) throws SQLException {
        if (closed) {
            throw new SQLException("the store is closed");
        }
        try {
            if (!permits.tryAcquire(30, TimeUnit.SECONDS)) {
                throw new SQLException("no database connection became free within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for a database connection", e);
        }
        Connection c = null;
        boolean broken = false;
        try {
            c = idle.poll();
            if (c == null || c.isClosed()) {
                c = factory.open();
            }
            return work.run(c);
        } catch (SQLException | RuntimeException e) {
            broken = c != null && !isUsable(c);
            throw e;
        } finally {
            if (c != null) {
                if (broken || closed) {
                    closeQuietly(c);
                } else if (!idle.offer(c)) {
                    closeQuietly(c);
                }
            }
            permits.release();
        }
    }

    /** Runs {@code work} in one transaction on {@code c}: committed if it returns, rolled back if it throws. */
    static <T> T inTransaction(Connection c, Work<T> work) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            T result = work.run(c);
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    private static boolean isUsable(Connection c) {
        try {
            return !c.isClosed() && c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // already broken
        }
    }

    @Override
    public void close() {
        closed = true;
        Connection c;
        while ((c = idle.poll()) != null) {
            closeQuietly(c);
        }
    }
}
