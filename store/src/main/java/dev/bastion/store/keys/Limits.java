package dev.bastion.store.keys;

/**
 * One set of request limits; 0 means unlimited. Stored with a key that overrides the configured defaults, and
 * used by the gateway's configuration for those defaults (per key and per tenant).
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
