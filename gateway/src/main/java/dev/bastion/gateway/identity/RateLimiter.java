package dev.bastion.gateway.identity;

import dev.bastion.store.keys.ApiKey;
import java.time.Duration;
import java.util.Objects;

/**
 * Limits per key and per tenant: requests per minute, tokens per minute and concurrent requests. Being limited is
 * a value ({@link Admission.Limited}) with the time to wait, not an exception.
 *
 * <p>Two implementations: {@link LocalRateLimiter}, state in this process (the single node), and
 * {@link dev.bastion.gateway.cluster.RedisRateLimiter}, state shared by every replica through Redis (chosen when
 * {@code cluster.redis-url} is set). Implementations are thread-safe.
 */
public interface RateLimiter {
    /**
     * Asks to start a request for {@code key}: checks the key's and its tenant's limits and, if there is room,
     * takes a request, a concurrency slot and (where the implementation reserves them) an estimate of its tokens.
     */
    Admission tryAcquire(ApiKey key);

    /** The outcome of asking to start a request. */
    sealed interface Admission {
        /** Admitted: close the permit when the request ends, after charging its tokens. */
        record Admitted(Permit permit) implements Admission {
            public Admitted {
                Objects.requireNonNull(permit, "permit");
            }
        }

        /** Refused: {@code scope} is key or tenant, {@code limit} which limit, and when to retry. */
        record Limited(String scope, String limit, Duration retryAfter) implements Admission {
            public Limited {
                Objects.requireNonNull(scope, "scope");
                Objects.requireNonNull(limit, "limit");
                if (retryAfter.isNegative()) {
                    throw new IllegalArgumentException("retryAfter must not be negative");
                }
            }
        }
    }

    /**
     * One admitted request: holds its concurrency slot for the key and its tenant until closed. Not shared between
     * threads except for {@link #close()}, which may be called more than once.
     */
    interface Permit extends AutoCloseable {
        /** Records the tokens the request used (prompt plus completion), against the key and its tenant. */
        void chargeTokens(long tokens);

        /** Releases the concurrency slot and settles the tokens; later calls do nothing. */
        @Override
        void close();
    }
}
