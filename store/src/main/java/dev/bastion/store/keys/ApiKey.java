package dev.bastion.store.keys;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A stored API key: everything about it except the key itself, of which only a keyed hash is kept.
 *
 * @param id public identifier ({@code key_} + 16 hex digits), shown in lists, usage and audit records
 * @param hash keyed hash of the key (HMAC-SHA256 with a Tink key-id prefix)
 * @param role what the key may do
 * @param tenant the organisation unit the key belongs to; limits and usage are also kept per tenant
 * @param models model names or globs the key may call; {@code *} for all
 * @param createdAt creation time
 * @param expiresAt when the key stops working, if ever
 * @param revokedAt when the key was revoked, if it was
 * @param limits per-key limits replacing the configured defaults, if set
 * @param label free text to recognise the key by; never a secret
 */
public record ApiKey(String id, byte[] hash, Role role, String tenant, List<String> models, Instant createdAt,
        Optional<Instant> expiresAt, Optional<Instant> revokedAt, Optional<Limits> limits, String label) {
    public ApiKey {
        Objects.requireNonNull(id, "id");
        if (!id.matches("key_[0-9a-f]{16}")) {
            throw new IllegalArgumentException("key id must be key_ and 16 hex digits, got '" + id + "'");
        }
        hash = Objects.requireNonNull(hash, "hash").clone();
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(tenant, "tenant");
        if (!tenant.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw new IllegalArgumentException("tenant must be 1-64 letters, digits, '.', '_' or '-', got '" + tenant + "'");
        }
        models = List.copyOf(models);
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(revokedAt, "revokedAt");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(label, "label");
    }

    @Override
    public byte[] hash() {
        return hash.clone();
    }

    /** Whether the key works at {@code now}. */
    public boolean isActive(Instant now) {
        return revokedAt.isEmpty() && expiresAt.map(now::isBefore).orElse(true);
    }

    /** Whether the key may call {@code model}. */
    public boolean allowsModel(String model) {
        for (String pattern : models) {
            if (pattern.equals("*") || pattern.equals(model)
                    || (pattern.endsWith("*") && model.startsWith(pattern.substring(0, pattern.length() - 1)))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ApiKey k && k.id.equals(id) && java.util.Arrays.equals(k.hash, hash) && k.role == role
                && k.tenant.equals(tenant) && k.models.equals(models) && k.createdAt.equals(createdAt)
                && k.expiresAt.equals(expiresAt) && k.revokedAt.equals(revokedAt) && k.limits.equals(limits)
                && k.label.equals(label);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "ApiKey[" + id + ", " + role.configName() + ", tenant=" + tenant + "]";
    }
}
