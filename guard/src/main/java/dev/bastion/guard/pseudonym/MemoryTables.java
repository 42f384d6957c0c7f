package dev.bastion.guard.pseudonym;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sealed pseudonym tables in this process's memory: what a single node uses, and what a cluster node falls back to
 * while its shared cache is unreachable. Each table expires {@code ttl} after its last write; expired tables are
 * never returned, and {@link #replace} purges them at most once a minute. At most {@code maxScopes} tables are held,
 * so memory stays bounded whatever clients send. Thread-safe.
 */
public final class MemoryTables implements TableStore {
    private record Sealed(byte[] ciphertext, Instant expiresAt) {
    }

    private final Clock clock;
    private final int maxScopes;
    private final ConcurrentHashMap<PseudonymVault.Scope, Sealed> scopes = new ConcurrentHashMap<>();
    private volatile Instant lastPurge;

    /** @throws IllegalArgumentException when {@code maxScopes} is not positive */
    public MemoryTables(Clock clock, int maxScopes) {
        if (maxScopes < 1) {
            throw new IllegalArgumentException("the pseudonym vault's maxScopes must be positive, got " + maxScopes);
        }
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxScopes = maxScopes;
        this.lastPurge = clock.instant();
    }

    @Override
    public Optional<byte[]> get(PseudonymVault.Scope scope) {
        Sealed stored = scopes.get(scope);
        return live(stored, clock.instant()) ? Optional.of(stored.ciphertext()) : Optional.empty();
    }

    @Override
    public Outcome replace(PseudonymVault.Scope scope, Optional<byte[]> expected, byte[] next, Duration ttl) {
        Instant now = clock.instant();
        if (Duration.between(lastPurge, now).compareTo(Duration.ofMinutes(1)) >= 0) {
            purgeExpired();
        }
        if (!scopes.containsKey(scope) && scopes.size() >= maxScopes && (purgeExpired() == 0 || scopes.size() >= maxScopes)) {
            return Outcome.FULL;
        }
        boolean[] replaced = {false};
        scopes.compute(scope, (s, stored) -> {
            Optional<byte[]> current = live(stored, now) ? Optional.of(stored.ciphertext()) : Optional.empty();
            if (current.isPresent() != expected.isPresent()
                    || current.isPresent() && !Arrays.equals(current.get(), expected.get())) {
                return stored;
            }
            replaced[0] = true;
            return new Sealed(next.clone(), now.plus(ttl));
        });
        return replaced[0] ? Outcome.REPLACED : Outcome.CONFLICT;
    }

    @Override
    public int eraseKey(String keyId) {
        int[] removed = {0};
        scopes.keySet().removeIf(scope -> {
            boolean match = scope.keyId().equals(keyId);
            if (match) {
                removed[0]++;
            }
            return match;
        });
        return removed[0];
    }

    @Override
    public int purgeExpired() {
        Instant now = clock.instant();
        lastPurge = now;
        int[] removed = {0};
        scopes.forEach((scope, stored) -> {
            if (!live(stored, now) && scopes.remove(scope, stored)) {
                removed[0]++;
            }
        });
        return removed[0];
    }

    @Override
    public int size() {
        return scopes.size();
    }

    private static boolean live(Sealed stored, Instant now) {
        return stored != null && now.isBefore(stored.expiresAt());
    }
}
