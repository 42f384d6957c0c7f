package dev.bastion.guard.pseudonym;

import java.time.Duration;
import java.util.Optional;

/**
 * Where a {@link PseudonymVault} keeps its sealed tables: in this process ({@link MemoryTables}, one node), or in a
 * cache the replicas of a cluster share. A store only ever sees sealed bytes; it never opens them. Thread-safe.
 */
public interface TableStore {
    /** What {@link #replace} did. */
    enum Outcome {
        /** The new table is stored, with a fresh expiry. */
        REPLACED,
        /** Another writer changed the scope's table first: read it again and redo the change. */
        CONFLICT,
        /** A new scope, and the store holds as many as it may: the caller refuses the request. */
        FULL
    }

    /** The scope's live sealed table, if it has one; does not extend its expiry. */
    Optional<byte[]> get(PseudonymVault.Scope scope);

    /**
     * Stores {@code next} as the scope's table, live for {@code ttl}, if what is stored still equals
     * {@code expected} (empty: no live table).
     */
    Outcome replace(PseudonymVault.Scope scope, Optional<byte[]> expected, byte[] next, Duration ttl);

    /** Removes every table of one API key, wherever the store keeps them; returns how many went. */
    int eraseKey(String keyId);

    /** Removes the expired tables a store must purge itself (a cache that expires entries returns 0). */
    int purgeExpired();

    /** How many tables this store holds in this process. */
    int size();
}
