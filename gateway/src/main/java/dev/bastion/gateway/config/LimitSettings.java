package dev.bastion.gateway.config;

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

    /**
     * One set of limits; 0 means unlimited.
     *
     * @param requestsPerMinute requests started per minute
     * @param tokensPerMinute prompt plus completion tokens per minute
     * @param concurrentRequests requests in flight at once
     */
    public record Limits(int requestsPerMinute, long tokensPerMinute, int concurrentRequests) {
        public static final Limits UNLIMITED = new Limits(0, 0, 0);

        public Limits {
            if (requestsPerMinute < 0 || tokensPerMinute < 0 || concurrentRequests < 0) {
                throw new IllegalArgumentException("limits must be 0 (unlimited) or positive");
            }
        }
    }
}
