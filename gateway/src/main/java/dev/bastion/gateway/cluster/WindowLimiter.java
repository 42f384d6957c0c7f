package dev.bastion.gateway.cluster;

import dev.bastion.gateway.config.LimitSettings;
import dev.bastion.gateway.identity.RateLimiter;
import dev.bastion.store.keys.ApiKey;
import dev.bastion.store.keys.Limits;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The in-process twin of {@code limits.lua}: the same 60 one-second slots, checks in the same
 * order, the same token reservation and settlement, with concurrency counted in memory instead of leases. A
 * replica uses it while Redis cannot be reached, with every limit divided by the expected replica count
 * ({@link #share}), so the replicas together stay within the limit, and none is ever unlimited.
 * {@code WindowLimiterTest} runs it and the Lua scripts side by side on the same requests. This class is
 * thread-safe: one lock guards all its state (it serves only while Redis is away).
 */
final class WindowLimiter implements RateLimiter {
    static final int WINDOW = 60;

    private final LimitSettings defaults;
    private final LongSupplier millis;
    private final int replicas;
    private final Map<String, Scope> scopes = new HashMap<>();
    private final Map<String, Long> estimates = new HashMap<>();

    /**
     * @param millis wall-clock milliseconds (the Lua scripts use the Redis server's clock)
     * @param replicas the expected replica count; each limit is divided by it
     */
    WindowLimiter(LimitSettings defaults, LongSupplier millis, int replicas) {
        this.defaults = Objects.requireNonNull(defaults, "defaults");
        this.millis = Objects.requireNonNull(millis, "millis");
        if (replicas < 1) {
            throw new IllegalArgumentException("replicas must be at least 1, got " + replicas);
        }
        this.replicas = replicas;
    }

    /** One replica's share of {@code limits}: each limit divided by the replica count, at least 1, 0 kept. */
    static Limits share(Limits limits, int replicas) {
        return new Limits((int) shareOf(limits.requestsPerMinute(), replicas), shareOf(limits.tokensPerMinute(), replicas),
                (int) shareOf(limits.concurrentRequests(), replicas));
    }

    private static long shareOf(long limit, int replicas) {
        return limit == 0 ? 0 : Math.max(1, limit / replicas);
    }

    /** One key's or tenant's slots and requests in flight. */
    private static final class Scope {
        final long[] second = new long[WINDOW];
        final long[] requests = new long[WINDOW];
        final long[] tokens = new long[WINDOW];
        int inFlight;

        /** Forgets slots that left the window. */
        void expire(long now) {
            for (int i = 0; i < WINDOW; i++) {
                if (second[i] <= now - WINDOW) {
                    second[i] = 0;
                    requests[i] = 0;
                    tokens[i] = 0;
                }
            }
        }

        /** The sum of {@code values} in the window and the oldest second holding any (now if none). */
        long[] sum(long[] values, long now) {
            long total = 0;
            long first = now;
            for (int i = 0; i < WINDOW; i++) {
                if (second[i] > now - WINDOW && values[i] > 0) {
                    total += values[i];
                    first = Math.min(first, second[i]);
                }
            }
            return new long[] {total, first};
        }

        int slot(long now) {
            int i = (int) Math.floorMod(now, (long) WINDOW);
            if (second[i] != now) {
                second[i] = now;
                requests[i] = 0;
                tokens[i] = 0;
            }
            return i;
        }
    }

    @Override
    public synchronized Admission tryAcquire(ApiKey key) {
        long now = Math.floorDiv(millis.getAsLong(), 1000);
        Limits k = share(key.limits().orElse(defaults.perKey()), replicas);
        Limits t = share(defaults.perTenant(), replicas);
        Scope keyScope = scopes.computeIfAbsent("key:" + key.id(), s -> new Scope());
        Scope tenantScope = scopes.computeIfAbsent("tenant:" + key.tenant(), s -> new Scope());
        long estimate = estimates.getOrDefault(key.id(), 1L);
        Admission.Limited refused = refusal("key", keyScope, k, estimate, now);
        if (refused == null) {
            refused = refusal("tenant", tenantScope, t, estimate, now);
        }
        if (refused != null) {
            return refused;
        }
        long keyReserved = take(keyScope, k, estimate, now);
        long tenantReserved = take(tenantScope, t, estimate, now);
        return new Admission.Admitted(new WindowPermit(key.id(), keyScope, tenantScope, now, keyReserved, tenantReserved));
    }

    private static Admission.Limited refusal(String scope, Scope s, Limits l, long estimate, long now) {
        s.expire(now);
        if (l.concurrentRequests() > 0 && s.inFlight >= l.concurrentRequests()) {
            return new Admission.Limited(scope, "concurrent-requests", Duration.ofSeconds(1));
        }
        if (l.requestsPerMinute() > 0) {
            long[] used = s.sum(s.requests, now);
            if (used[0] + 1 > l.requestsPerMinute()) {
                return new Admission.Limited(scope, "requests-per-minute", wait(used[1], now));
            }
        }
        if (l.tokensPerMinute() > 0) {
            long[] used = s.sum(s.tokens, now);
            if (used[0] + Math.min(estimate, l.tokensPerMinute()) > l.tokensPerMinute()) {
                return new Admission.Limited(scope, "tokens-per-minute", wait(used[1], now));
            }
        }
        return null;
    }

    private static Duration wait(long first, long now) {
        return Duration.ofSeconds(Math.max(1, first + WINDOW - now));
    }

    private static long take(Scope s, Limits l, long estimate, long now) {
        int i = s.slot(now);
        long reserved = -1;
        if (l.requestsPerMinute() > 0) {
            s.requests[i]++;
        }
        if (l.tokensPerMinute() > 0) {
            reserved = Math.min(estimate, l.tokensPerMinute());
            s.tokens[i] += reserved;
        }
        s.inFlight++;
        return reserved;
    }

    /** Releases the request's concurrency and replaces its reservation by the tokens used, as limits.lua settles it. */
    private synchronized void finish(WindowPermit p, long used) {
        long now = Math.floorDiv(millis.getAsLong(), 1000);
        settle(p.keyScope, p.at, p.keyReserved, used, now);
        settle(p.tenantScope, p.at, p.tenantReserved, used, now);
        p.keyScope.inFlight--;
        p.tenantScope.inFlight--;
        if (used >= 0) {
            long estimate = estimates.getOrDefault(p.keyId, 0L);
            double next = used > estimate ? used : estimate + (used - estimate) / 8.0;
            estimates.put(p.keyId, Math.max(1, (long) Math.floor(next + 0.5)));
        }
    }

    private static void settle(Scope s, long at, long reserved, long used, long now) {
        if (reserved < 0) {
            return;
        }
        long delta = Math.max(used, 0) - reserved;
        int i = (int) Math.floorMod(at, (long) WINDOW);
        if (at > now - WINDOW && s.second[i] == at) {
            s.tokens[i] += delta;
        } else if (delta > 0) {
            s.tokens[s.slot(now)] += delta;
        }
    }

    /** One admitted request, settled when closed. */
    private final class WindowPermit implements Permit {
        private final String keyId;
        private final Scope keyScope;
        private final Scope tenantScope;
        private final long at;
        private final long keyReserved;
        private final long tenantReserved;
        private long used = -1;
        private boolean closed;

        WindowPermit(String keyId, Scope keyScope, Scope tenantScope, long at, long keyReserved, long tenantReserved) {
            this.keyId = keyId;
            this.keyScope = keyScope;
            this.tenantScope = tenantScope;
            this.at = at;
            this.keyReserved = keyReserved;
            this.tenantReserved = tenantReserved;
        }

        @Override
        public synchronized void chargeTokens(long tokens) {
            if (tokens < 0) {
                throw new IllegalArgumentException("tokens must not be negative");
            }
            used = Math.max(used, 0) + tokens;
        }

        @Override
        public void close() {
            long charged;
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
                charged = used;
            }
            finish(this, charged);
        }
    }
}
