package dev.bastion.guard.pseudonym;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The pseudonym tables of live conversations, each sealed (AEAD) under the vault's key and bound to its scope: the
 * API key id and the conversation id. A request can only ever open the table of its own key and conversation, so
 * another key, even of the same tenant, cannot restore (or even learn) another key's values.
 *
 * <p>The sealed tables live in a {@link TableStore}: this process's memory ({@link MemoryTables}: a restart forgets
 * them, as a shorter expiry would), or a cache the replicas of a cluster share, which only ever holds ciphertext.
 * Each scope expires {@code ttl} after its last use. Thread-safe: {@link #update} reads the table, applies its
 * function and writes the table back only if nobody changed it meanwhile (compare and set), else it reads and
 * applies again; updates of one scope in this process also take a lock, so retries happen only between replicas.
 * Concurrent requests of one conversation therefore see each other's surrogates.
 *
 * <p>When the store is full, {@link #update} of a new scope returns empty and the caller refuses the request (fail
 * closed: the request is not sent unprotected, and no live conversation loses its table).
 */
public final class PseudonymVault {
    private static final byte[] DOMAIN = "bastion pseudonym vault v1\u0000".getBytes(StandardCharsets.UTF_8);
    /** Attempts of one update against writers in other replicas before it gives up (fail closed). */
    private static final int MAX_ATTEMPTS = 32;
    private static final int LOCK_STRIPES = 256;

    /** Whose table: an API key id and a conversation id (both non-empty). */
    public record Scope(String keyId, String conversation) {
        public Scope {
            Objects.requireNonNull(keyId, "keyId");
            Objects.requireNonNull(conversation, "conversation");
            if (keyId.isEmpty() || conversation.isEmpty()) {
                throw new IllegalArgumentException("a pseudonym scope needs a key id and a conversation id");
            }
        }

        byte[] context() {
            byte[] who = (keyId + "\u0000" + conversation).getBytes(StandardCharsets.UTF_8);
            byte[] out = new byte[DOMAIN.length + who.length];
            System.arraycopy(DOMAIN, 0, out, 0, DOMAIN.length);
            System.arraycopy(who, 0, out, DOMAIN.length, who.length);
            return out;
        }
    }

    private final Sealer sealer;
    private final Duration ttl;
    private final TableStore store;
    private final ReentrantLock[] locks = new ReentrantLock[LOCK_STRIPES];

    /** A vault that keeps its tables in this process's memory ({@link MemoryTables}). */
    public PseudonymVault(Sealer sealer, Duration ttl, Clock clock, int maxScopes) {
        this(sealer, ttl, new MemoryTables(clock, maxScopes));
    }

    /** @throws IllegalArgumentException when {@code ttl} is not positive */
    public PseudonymVault(Sealer sealer, Duration ttl, TableStore store) {
        this.sealer = Objects.requireNonNull(sealer, "sealer");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.store = Objects.requireNonNull(store, "store");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("the pseudonym vault's ttl must be positive, got " + ttl);
        }
        for (int i = 0; i < LOCK_STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    /**
     * Opens the scope's table (empty when new or expired), applies {@code work}, and seals the table back with a
     * fresh expiry if it was changed or it existed. {@code work} may run more than once (when another replica changed
     * the table meanwhile) and must only change the table it is given. Returns what {@code work} returned, or empty,
     * without storing anything, when the scope is new and the store is full.
     *
     * @throws IllegalStateException when a stored table does not open (a bug or tampering: fail closed), or when other
     *         replicas kept changing the table for {@value #MAX_ATTEMPTS} attempts
     */
    public <T> Optional<T> update(Scope scope, Function<PseudonymTable, T> work) {
        Objects.requireNonNull(scope, "scope");
        ReentrantLock lock = locks[Math.floorMod(scope.hashCode(), LOCK_STRIPES)];
        lock.lock();
        try {
            for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
                Optional<byte[]> stored = store.get(scope);
                PseudonymTable table = stored.map(b -> open(scope, b)).orElseGet(PseudonymTable::new);
                T result = work.apply(table);
                if (stored.isEmpty() && table.isEmpty()) {
                    return Optional.ofNullable(result);
                }
                switch (store.replace(scope, stored, sealer.seal(table.toBytes(), scope.context()), ttl)) {
                    case REPLACED -> {
                        return Optional.ofNullable(result);
                    }
                    case FULL -> {
                        return Optional.empty();
                    }
                    case CONFLICT -> {
                        // another replica wrote first: read its table and apply the work again
                    }
                }
            }
        } finally {
            lock.unlock();
        }
        throw new IllegalStateException("a conversation's pseudonym table kept changing under other replicas' requests");
    }

    /** A copy of the scope's live table, or an empty one; does not extend its expiry. */
    public PseudonymTable read(Scope scope) {
        return store.get(scope).map(b -> open(scope, b)).orElseGet(PseudonymTable::new);
    }

    /** Removes every table of one API key, in every replica's view (erasure of the key's data); returns how many. */
    public int eraseKey(String keyId) {
        return store.eraseKey(Objects.requireNonNull(keyId, "keyId"));
    }

    private PseudonymTable open(Scope scope, byte[] sealed) {
        try {
            return PseudonymTable.fromBytes(sealer.open(sealed, scope.context()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a pseudonym table does not open under its scope", e);
        }
    }

    /** Removes every expired scope the store must purge itself; returns how many. */
    public int purgeExpired() {
        return store.purgeExpired();
    }

    /** How many scopes this process holds (expired ones until purged). */
    public int size() {
        return store.size();
    }
}
