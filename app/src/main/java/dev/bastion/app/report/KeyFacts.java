package dev.bastion.app.report;

import dev.bastion.store.keys.ApiKey;
import java.time.Instant;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Who can use the gateway, from the key store at the time of the report: keys by role, how many expire, how many
 * were revoked. Key ids and secrets are not reported. Immutable.
 *
 * @param activeByRole keys neither revoked nor expired, by role
 * @param activeWithExpiry of the active keys, those with an expiry date
 * @param revoked keys revoked at any time
 * @param tenants distinct tenants of the active keys
 */
public record KeyFacts(SortedMap<String, Long> activeByRole, long activeWithExpiry, long revoked, long tenants) {
    public static final Source SOURCE = new Source(Source.Kind.KEYS, "api_keys table of the store (store.url)");

    public KeyFacts {
        activeByRole = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(activeByRole));
        if (activeWithExpiry < 0 || revoked < 0 || tenants < 0) {
            throw new IllegalArgumentException("counts cannot be negative");
        }
    }

    public static KeyFacts of(List<ApiKey> keys, Instant now) {
        SortedMap<String, Long> byRole = new TreeMap<>();
        long expiring = 0;
        long revoked = 0;
        java.util.Set<String> tenants = new java.util.HashSet<>();
        for (ApiKey k : keys) {
            if (k.revokedAt().isPresent()) {
                revoked++;
                continue;
            }
            if (k.expiresAt().isPresent() && !k.expiresAt().get().isAfter(now)) {
                continue;
            }
            byRole.merge(k.role().configName(), 1L, Long::sum);
            tenants.add(k.tenant());
            expiring += k.expiresAt().isPresent() ? 1 : 0;
        }
        return new KeyFacts(byRole, expiring, revoked, tenants.size());
    }

    public long active() {
        return activeByRole.values().stream().mapToLong(Long::longValue).sum();
    }
}
