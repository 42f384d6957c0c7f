package dev.bastion.gateway.identity;

import dev.bastion.gateway.config.LimitSettings;
import dev.bastion.store.keys.ApiKey;
import dev.bastion.store.keys.Limits;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Limits per key and per tenant, kept in this process: requests per minute, tokens per minute and concurrent
 * requests.
 *
 * <p>Requests and tokens use token buckets that refill continuously (capacity one minute's allowance). A request
 * is admitted when both its key's and its tenant's buckets have a request and at least one token left and a
 * concurrency slot is free; tokens are charged after the answer, when they are known, so a bucket may go negative
 * and then blocks until it refills. Being limited is a value ({@link Admission.Limited}) with the time to wait,
 * not an exception. State is in memory, per process. This class is thread-safe.
 */
public final class LocalRateLimiter implements RateLimiter {
    private final LimitSettings defaults;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    public LocalRateLimiter(LimitSettings defaults, LongSupplier nanoTime) {
        this.defaults = Objects.requireNonNull(defaults, "defaults");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /** Holds a concurrency slot for the key and its tenant until closed. */
    private static final class LocalPermit implements Permit {
        private final Bucket key;
        private final Bucket tenant;
        private boolean closed;

        private LocalPermit(Bucket key, Bucket tenant) {
            this.key = key;
            this.tenant = tenant;
        }

        /** Charges the tokens a request used to both buckets. */
        @Override
        public void chargeTokens(long tokens) {
            key.chargeTokens(tokens);
            tenant.chargeTokens(tokens);
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                key.release();
                tenant.release();
            }
        }
    }

    @Override
    public Admission tryAcquire(ApiKey apiKey) {
        Limits keyLimits = apiKey.limits().orElse(defaults.perKey());
        Bucket key = buckets.computeIfAbsent("key:" + apiKey.id(), k -> new Bucket(keyLimits));
        key.update(keyLimits);
        Bucket tenant = buckets.computeIfAbsent("tenant:" + apiKey.tenant(), k -> new Bucket(defaults.perTenant()));
        long now = nanoTime.getAsLong();
        synchronized (this) {
            Admission.Limited refused = key.check(now, "key");
            if (refused == null) {
                refused = tenant.check(now, "tenant");
            }
            if (refused != null) {
                return refused;
            }
            key.take();
            tenant.take();
        }
        return new Admission.Admitted(new LocalPermit(key, tenant));
    }

    /** One key's or tenant's state. Guarded by the limiter's lock for check-and-take; counters are synchronized. */
    private static final class Bucket {
        private static final double NANOS_PER_MINUTE = 60e9;
        private volatile Limits limits;
        private double requests;
        private double tokens;
        private long last = Long.MIN_VALUE;
        private int inFlight;

        Bucket(Limits limits) {
            this.limits = limits;
            this.requests = limits.requestsPerMinute();
            this.tokens = limits.tokensPerMinute();
        }

        void update(Limits current) {
            limits = current;
        }

        synchronized Admission.Limited check(long now, String scope) {
            refill(now);
            Limits l = limits;
            if (l.concurrentRequests() > 0 && inFlight >= l.concurrentRequests()) {
                return new Admission.Limited(scope, "concurrent-requests", Duration.ofSeconds(1));
            }
            if (l.requestsPerMinute() > 0 && requests < 1) {
                return new Admission.Limited(scope, "requests-per-minute",
                        waitFor(1 - requests, l.requestsPerMinute()));
            }
            if (l.tokensPerMinute() > 0 && tokens < 1) {
                return new Admission.Limited(scope, "tokens-per-minute", waitFor(1 - tokens, l.tokensPerMinute()));
            }
            return null;
        }

        synchronized void take() {
            inFlight++;
            if (limits.requestsPerMinute() > 0) {
                requests -= 1;
            }
        }

        synchronized void release() {
            inFlight--;
        }

        synchronized void chargeTokens(long n) {
            if (limits.tokensPerMinute() > 0) {
                tokens -= n;
            }
        }

        private void refill(long now) {
            if (last != Long.MIN_VALUE) {
                double minutes = (now - last) / NANOS_PER_MINUTE;
                requests = Math.min(limits.requestsPerMinute(), requests + minutes * limits.requestsPerMinute());
                tokens = Math.min(limits.tokensPerMinute(), tokens + minutes * limits.tokensPerMinute());
            }
            last = now;
        }

        private static Duration waitFor(double missing, long perMinute) {
            long seconds = (long) Math.ceil(missing / perMinute * 60);
            return Duration.ofSeconds(Math.max(1, seconds));
        }
    }
}
