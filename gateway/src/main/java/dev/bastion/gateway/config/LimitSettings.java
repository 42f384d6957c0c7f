package dev.bastion.gateway.config;

import dev.bastion.store.keys.Limits;
import java.util.Objects;

/**
 * Default rate limits (keys under {@code limits}); a key may carry its own per-key limits instead.
 *
 * @param perKey limits applied to each API key
 * @param perTenant limits applied to all keys of one tenant together
 */
public record LimitSettings(Limits perKey, Limits perTenant) {
    public LimitSettings {
        Objects.requireNonNull(perKey, "limits.per-key");
        Objects.requireNonNull(perTenant, "limits.per-tenant");
    }
}
