package dev.bastion.gateway.pipeline;

import dev.bastion.gateway.api.ApiError;
import dev.bastion.gateway.identity.AbuseMonitor;
import dev.bastion.store.keys.ApiKey;
import dev.bastion.gateway.identity.RateLimiter;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Stage 2, admit: whether this key may start a request now. In order: the audit log can be written (fail closed:
 * nothing is answered that cannot be recorded), the key and its tenant are not held back for suspected extraction
 * or probing, and the key's and tenant's request, token and concurrency limits have room. Thread-safe.
 */
public final class Admission {
    private final RateLimiter limiter;
    private final AbuseMonitor abuse;
    private final AuditTrail audit;

    public Admission(RateLimiter limiter, AbuseMonitor abuse, AuditTrail audit) {
        this.limiter = Objects.requireNonNull(limiter, "limiter");
        this.abuse = Objects.requireNonNull(abuse, "abuse");
        this.audit = Objects.requireNonNull(audit, "audit");
    }

    /** A permit to hold while the request runs (its concurrency slot; tokens are charged on it), or the refusal. */
    Check<RateLimiter.Permit> admit(ApiKey key) {
        Optional<ApiError> unrecordable = audit.unavailable();
        if (unrecordable.isPresent()) {
            return Check.refuse(unrecordable.get());
        }
        Optional<Duration> held = abuse.heldBack(key.id()).or(() -> abuse.heldBack("tenant:" + key.tenant()));
        if (held.isPresent()) {
            Duration left = held.get().toSeconds() < 1 ? Duration.ofSeconds(1) : held.get();
            return Check.refuse(ApiError.rateLimited("abuse_suspected", "This key's recent requests look like model "
                    + "extraction or probing; it is held back for a while. Retry after " + left.toSeconds() + " s.", left));
        }
        return switch (limiter.tryAcquire(key)) {
            case RateLimiter.Admission.Admitted a -> Check.pass(a.permit());
            case RateLimiter.Admission.Limited l -> Check.refuse(ApiError.rateLimited(
                    "rate_limit_" + l.limit().replace('-', '_'),
                    "Rate limit reached: the " + l.scope() + "'s " + l.limit() + " limit. Retry after "
                            + l.retryAfter().toSeconds() + " s.",
                    l.retryAfter()));
        };
    }
}
