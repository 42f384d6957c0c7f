package dev.bastion.gateway.config;

import dev.bastion.crypto.SigningKey;
import java.util.Objects;

/**
 * The audit log (keys under {@code audit}); it lives in {@code <data-dir>/audit}, its signing key in
 * {@code <data-dir>/keys/audit-signing.key}.
 *
 * @param signatureAlgorithm how checkpoints are signed when the key is first created
 * @param checkpointEvery sign a checkpoint after at most this many records (and at shutdown)
 */
public record AuditSettings(SigningKey.Algorithm signatureAlgorithm, int checkpointEvery) {
    public AuditSettings {
        Objects.requireNonNull(signatureAlgorithm, "audit.signature-algorithm");
        if (checkpointEvery < 1) {
            throw new IllegalArgumentException("audit.checkpoint-every must be at least 1, got " + checkpointEvery);
        }
    }
}
