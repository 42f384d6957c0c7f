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
 */
public record AuditSettings(SigningKey.Algorithm signatureAlgorithm, int checkpointEvery, Durability durability) {

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

    public AuditSettings {
        Objects.requireNonNull(signatureAlgorithm, "audit.signature-algorithm");
        Objects.requireNonNull(durability, "audit.durability");
        if (checkpointEvery < 1) {
            throw new IllegalArgumentException("audit.checkpoint-every must be at least 1, got " + checkpointEvery);
        }
    }
}
