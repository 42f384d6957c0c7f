package dev.bastion.gateway.pipeline;

import dev.bastion.gateway.api.ApiError;
import dev.bastion.gateway.api.Refusal;
import dev.bastion.store.keys.ApiKey;
import dev.bastion.gateway.identity.RateLimiter;

/** Stage 2: turns a rate limiter's answer into a permit or a 429 refusal with Retry-After. */
final class Admissions {
    private Admissions() {
    }

    static RateLimiter.Permit admit(RateLimiter limiter, ApiKey key) {
        return switch (limiter.tryAcquire(key)) {
            case RateLimiter.Admission.Admitted a -> a.permit();
            case RateLimiter.Admission.Limited l -> throw new Refusal(ApiError.rateLimited(
                    "rate_limit_" + l.limit().replace('-', '_'),
                    "Rate limit reached: the " + l.scope() + "'s " + l.limit() + " limit. Retry after "
                            + l.retryAfter().toSeconds() + " s.",
                    l.retryAfter()));
        };
    }
}
