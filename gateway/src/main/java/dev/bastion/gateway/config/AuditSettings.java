package dev.bastion.gateway.config;

import dev.bastion.crypto.SigningKey;
import java.util.Objects;

/**
 * The audit log (keys under {@code audit}); it lives in {@code <data-dir>/audit}, its signing key in
 * {@code <data-dir>/keys/audit-signing.key}.
 *
 * @param signatureAlgorithm how checkpoints are signed when the key is first created
 * @param checkpointEvery sign a checkpoint after at most this many records (and at shutdown)
 * @param durability whether an answer waits until its record is durable
 * @param commitWait with {@code sync} durability, how long a group commit may wait for the records of requests in
 *     flight so that one fsync covers them ({@code audit.commit-wait}; zero: commit at once)
 */
public record AuditSettings(SigningKey.Algorithm signatureAlgorithm, int checkpointEvery, Durability durability,
        java.time.Duration commitWait) {
    /**
     * {@code audit.commit-wait}'s default: off. A 1 ms wait cut audit fsyncs per request by 36-42% at ~200
     * requests/s, but on a loaded machine it showed no saving of process CPU at ~1,000 requests/s and a higher p50
     * (docs/benchmarks.md, "Gateway overhead", round eleven); the quiet-machine measurement decides.
     */
    public static final java.time.Duration DEFAULT_COMMIT_WAIT = java.time.Duration.ZERO;

    /** When a request's audit record must be durable. */
    public enum Durability {
        /** Before the answer completes: no answered request lacks its record (costs one group commit, an fsync). */
        SYNC,
        /** After the answer: a crash may lose the records of the last group commit (a few milliseconds). */
        ASYNC;

        public static Durability fromConfig(String value) {
            return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
                case "sync" -> SYNC;
                case "async" -> ASYNC;
                default -> throw new IllegalArgumentException("unknown durability '" + value + "'; expected sync or async");
            };
        }
    }

    public AuditSettings(SigningKey.Algorithm signatureAlgorithm, int checkpointEvery) {
        this(signatureAlgorithm, checkpointEvery, Durability.SYNC);
    }

    public AuditSettings(SigningKey.Algorithm signatureAlgorithm, int checkpointEvery, Durability durability) {
        this(signatureAlgorithm, checkpointEvery, durability, DEFAULT_COMMIT_WAIT);
    }

    public AuditSettings {
        Objects.requireNonNull(signatureAlgorithm, "audit.signature-algorithm");
        Objects.requireNonNull(durability, "audit.durability");
        Objects.requireNonNull(commitWait, "audit.commit-wait");
        if (commitWait.isNegative() || commitWait.compareTo(java.time.Duration.ofMillis(100)) > 0) {
            throw new IllegalArgumentException("audit.commit-wait must be between 0ms and 100ms, got " + commitWait);
        }
        if (checkpointEvery < 1) {
            throw new IllegalArgumentException("audit.checkpoint-every must be at least 1, got " + checkpointEvery);
        }
    }
}
