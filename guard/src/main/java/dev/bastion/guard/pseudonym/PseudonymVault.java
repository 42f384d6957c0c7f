package dev.bastion.guard.pseudonym;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The pseudonym tables of live conversations, each sealed (AEAD) under the vault's key and bound to its scope: the
 * API key id and the conversation id. A request can only ever open the table of its own key and conversation, so
 * another key, even of the same tenant, cannot restore (or even learn) another key's values.
 *
 * <p>Each scope expires {@code ttl} after its last use; expired scopes are never returned and are purged by
 * {@link #purgeExpired()}, which {@link #update} also runs at most once per minute. Tables live only in memory
 * (sealed), so a restart forgets them, as a shorter expiry would. Time comes from the {@link Clock} passed in.
 * Thread-safe: {@link #update} runs its function under the scope's lock, so concurrent requests of one conversation
 * see each other's surrogates.
 *
 * <p>The vault holds at most {@code maxScopes} live conversations: memory stays bounded whatever clients send. When
 * it is full, {@link #update} of a new scope returns empty and the caller refuses the request (fail closed: the
 * request is not sent unprotected, and no live conversation loses its table).
 */
public final class PseudonymVault {
    private static final byte[] DOMAIN = "bastion pseudonym vault v1\u0000".getBytes(StandardCharsets.UTF_8);

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

    private record Sealed(byte[] ciphertext, Instant expiresAt) {
    }

    private final Sealer sealer;
    private final Duration ttl;
    private final Clock clock;
    private final int maxScopes;
    private final ConcurrentHashMap<Scope, Sealed> scopes = new ConcurrentHashMap<>();
    private volatile Instant lastPurge;

    /** @throws IllegalArgumentException when {@code ttl} or {@code maxScopes} is not positive */
    public PseudonymVault(Sealer sealer, Duration ttl, Clock clock, int maxScopes) {
        if (maxScopes < 1) {
            throw new IllegalArgumentException("the pseudonym vault's maxScopes must be positive, got " + maxScopes);
        }
        this.maxScopes = maxScopes;
        this.sealer = Objects.requireNonNull(sealer, "sealer");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("the pseudonym vault's ttl must be positive, got " + ttl);
        }
        this.lastPurge = clock.instant();
    }

    /**
     * Opens the scope's table (empty when new or expired), applies {@code work}, and seals the table back with a
     * fresh expiry if it was changed or it existed. Returns what {@code work} returned, or empty, without running
     * it, when the scope is new and the vault already holds {@code maxScopes} live scopes.
     *
     * @throws IllegalStateException when a stored table does not open (a bug or tampering: fail closed)
     */
    public <T> Optional<T> update(Scope scope, Function<PseudonymTable, T> work) {
        Objects.requireNonNull(scope, "scope");
        Instant now = clock.instant();
        if (Duration.between(lastPurge, now).compareTo(Duration.ofMinutes(1)) >= 0) {
            purgeExpired();
        }
        if (!scopes.containsKey(scope) && scopes.size() >= maxScopes && (purgeExpired() == 0 || scopes.size() >= maxScopes)) {
            return Optional.empty();
        }
        Object[] result = new Object[1];
        scopes.compute(scope, (s, stored) -> {
            boolean live = stored != null && now.isBefore(stored.expiresAt());
            PseudonymTable table = live ? open(s, stored) : new PseudonymTable();
            result[0] = work.apply(table);
            if (!live && table.isEmpty()) {
                return null;
            }
            return new Sealed(sealer.seal(table.toBytes(), s.context()), now.plus(ttl));
        });
        @SuppressWarnings("unchecked")
        T t = (T) result[0];
        return Optional.ofNullable(t);
    }

    /** A copy of the scope's live table, or an empty one; does not extend its expiry. */
    public PseudonymTable read(Scope scope) {
        Sealed stored = scopes.get(scope);
        return stored == null || !clock.instant().isBefore(stored.expiresAt()) ? new PseudonymTable() : open(scope, stored);
    }

    private PseudonymTable open(Scope scope, Sealed stored) {
        try {
            return PseudonymTable.fromBytes(sealer.open(stored.ciphertext(), scope.context()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a pseudonym table does not open under its scope", e);
        }
    }

    /** Removes every expired scope; returns how many. */
    public int purgeExpired() {
        Instant now = clock.instant();
        lastPurge = now;
        int[] removed = {0};
        scopes.forEach((scope, stored) -> {
            if (!now.isBefore(stored.expiresAt()) && scopes.remove(scope, stored)) {
                removed[0]++;
            }
        });
        return removed[0];
    }

    /** How many scopes are held (expired ones until purged). */
    public int size() {
        return scopes.size();
    }
}
