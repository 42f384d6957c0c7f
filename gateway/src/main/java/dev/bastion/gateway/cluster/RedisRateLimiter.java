package dev.bastion.gateway.cluster;

import dev.bastion.gateway.config.ClusterSettings;
import dev.bastion.gateway.config.LimitSettings;
import dev.bastion.gateway.identity.RateLimiter;
import dev.bastion.store.keys.ApiKey;
import dev.bastion.store.keys.Limits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Limits per key and per tenant shared by every replica through one Redis server, so that N replicas admit what
 * one would: each admission is one atomic Lua script ({@code limits.lua}) over 60-second sliding windows of
 * requests and tokens and a set of concurrency leases. The end of a request (its leases dropped, its token
 * reservation replaced by the tokens it used) is queued and settled by the same script: with this replica's next
 * admission, before that admission is checked, or at most {@link #SETTLE_DELAY} later, several ends in one call.
 * Each request therefore costs about one script run instead of two. A key whose limits and whose tenant's limits
 * are all unlimited costs none. See docs/scale-out.md.
 *
 * <p>Leases carry an expiry ({@code cluster.lease-ttl}) and are renewed every third of it while their request
 * runs, so the leases of a replica that dies lapse on their own. When Redis cannot be reached this replica falls
 * back to a {@link WindowLimiter}, the scripts' in-process twin, enforcing limit / {@code cluster.replicas} of
 * every limit, never none; it
 * logs the change once, tries Redis again at most once a second, and logs its return. This class is thread-safe.
 */
public final class RedisRateLimiter implements RateLimiter, AutoCloseable {
    /** How long an ended request waits at most for an admission to carry its settlement to Redis. */
    static final Duration SETTLE_DELAY = Duration.ofMillis(5);

    private static final System.Logger LOG = System.getLogger(RedisRateLimiter.class.getName());
    private static final List<String> SCOPES = List.of("", "key", "tenant");
    private static final List<String> LIMITS = List.of("", "concurrent-requests", "requests-per-minute",
            "tokens-per-minute");
    private static final Permit NOTHING_TO_SETTLE = new Permit() {
        @Override
        public void chargeTokens(long tokens) {
            if (tokens < 0) {
                throw new IllegalArgumentException("tokens must not be negative");
            }
        }

        @Override
        public void close() {
        }
    };

    private final UnifiedJedis redis;
    private final LimitScripts scripts;
    private final LimitSettings defaults;
    private final WindowLimiter fallback;
    private final Duration leaseTtl;
    private final String memberPrefix;
    private final AtomicLong leaseCounter = new AtomicLong();
    private final Set<SharedPermit> running = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService renewer;
    private final RedisHealth health;
    /** Ended requests not yet settled in Redis, oldest first. */
    private final ConcurrentLinkedQueue<LimitScripts.Settlement> ended = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean settleScheduled = new AtomicBoolean();
    /** Held by a settlement run on its own, from taking the ended requests until Redis has answered. */
    private final ReentrantLock settling = new ReentrantLock();

    /**
     * Connects to {@code cluster.redis-url} (lazily: a server that is down at start is a fallback, not a failure).
     *
     * @param env where a password given as {@code cluster.redis-password-env} is read from
     */
    public static RedisRateLimiter connect(ClusterSettings cluster, LimitSettings defaults, java.util.Map<String, String> env) {
        return new RedisRateLimiter(RedisClients.open(cluster, env, "limits"), RedisClients.where(cluster), cluster,
                defaults, System::nanoTime);
    }

    RedisRateLimiter(UnifiedJedis redis, String where, ClusterSettings cluster, LimitSettings defaults,
            LongSupplier nanoTime) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.scripts = new LimitScripts(redis);
        this.defaults = Objects.requireNonNull(defaults, "defaults");
        this.health = new RedisHealth(LOG, "the shared rate limiter at " + Objects.requireNonNull(where, "where"),
                "enforcing this replica's share of every limit locally", nanoTime);
        this.fallback = new WindowLimiter(defaults, System::currentTimeMillis, cluster.replicas());
        this.leaseTtl = cluster.leaseTtl();
        this.memberPrefix = cluster.effectiveNodeId() + ":" + Long.toHexString(java.util.concurrent.ThreadLocalRandom
                .current().nextLong() & Long.MAX_VALUE) + ":";
        this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bastion-lease-renewal");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(100, leaseTtl.toMillis() / 3);
        renewer.scheduleWithFixedDelay(this::renewLeases, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public Admission tryAcquire(ApiKey key) {
        Limits k = key.limits().orElse(defaults.perKey());
        Limits t = defaults.perTenant();
        if (k.equals(Limits.UNLIMITED) && t.equals(Limits.UNLIMITED)) {
            return new Admission.Admitted(NOTHING_TO_SETTLE); // nothing to count, nothing to hold
        }
        if (health.skip()) {
            return fallback.tryAcquire(key);
        }
        String keyScope = LimitScripts.keyScope(key.id());
        String tenantScope = LimitScripts.tenantScope(key.tenant());
        String member = memberPrefix + leaseCounter.incrementAndGet();
        List<LimitScripts.Settlement> done = takeEnded();
        awaitSettling(); // ends taken by a settlement run already under way reach Redis before this admission
        List<Long> reply;
        try {
            reply = scripts.admit(done, new LimitScripts.Ask(keyScope, tenantScope, k, t, member), leaseTtl.toMillis());
        } catch (JedisException e) {
            health.unreachable(e); // the settlements are lost: their leases lapse, their reservations stay (errs low)
            return fallback.tryAcquire(key);
        }
        health.reachable();
        if (reply.get(0) == 0) {
            return new Admission.Limited(SCOPES.get(reply.get(1).intValue()), LIMITS.get(reply.get(2).intValue()),
                    Duration.ofSeconds(reply.get(3)));
        }
        SharedPermit permit = new SharedPermit(keyScope, tenantScope, member, reply.get(1), reply.get(2), reply.get(3));
        running.add(permit);
        return new Admission.Admitted(permit);
    }

    /** Whether this replica is enforcing its local share because Redis cannot be reached. */
    public boolean usingFallback() {
        return health.down();
    }

    private List<LimitScripts.Settlement> takeEnded() {
        List<LimitScripts.Settlement> done = new ArrayList<>();
        for (LimitScripts.Settlement s; (s = ended.poll()) != null;) {
            done.add(s);
        }
        return done;
    }

    private void awaitSettling() {
        if (settling.isLocked()) {
            settling.lock();
            settling.unlock();
        }
    }

    /** Queues an ended request and makes sure a settlement run follows within {@link #SETTLE_DELAY}. */
    private void ended(LimitScripts.Settlement s) {
        ended.add(s);
        if (settleScheduled.compareAndSet(false, true)) {
            try {
                renewer.schedule(this::settleEnded, SETTLE_DELAY.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // the limiter was closed while the request ran (the gateway is stopping): the leases lapse
            }
        }
    }

    /** Settles the ended requests that no admission has carried to Redis. */
    private void settleEnded() {
        settleScheduled.set(false);
        settling.lock();
        try {
            List<LimitScripts.Settlement> done = takeEnded();
            if (done.isEmpty() || health.down()) {
                return; // while Redis is away, the leases lapse and the reservations stay counted (errs low)
            }
            scripts.settle(done, leaseTtl.toMillis());
        } catch (JedisException e) {
            health.unreachable(e);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "settling ended requests failed (" + e.getClass().getSimpleName() + ")");
        } finally {
            settling.unlock();
        }
    }

    /** One admitted request's leases and token reservation, settled in Redis after it is closed. */
    private final class SharedPermit implements Permit {
        private final String keyScope;
        private final String tenantScope;
        private final String member;
        private final long slot;
        private final long keyReserved;
        private final long tenantReserved;
        private final AtomicLong used = new AtomicLong(-1);
        private boolean closed;

        SharedPermit(String keyScope, String tenantScope, String member, long slot, long keyReserved,
                long tenantReserved) {
            this.keyScope = keyScope;
            this.tenantScope = tenantScope;
            this.member = member;
            this.slot = slot;
            this.keyReserved = keyReserved;
            this.tenantReserved = tenantReserved;
        }

        @Override
        public void chargeTokens(long tokens) {
            if (tokens < 0) {
                throw new IllegalArgumentException("tokens must not be negative");
            }
            used.accumulateAndGet(tokens, (was, n) -> Math.max(was, 0) + n);
        }

        @Override
        public void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            running.remove(this);
            ended(new LimitScripts.Settlement(keyScope, tenantScope, member, slot, keyReserved, tenantReserved,
                    used.get()));
        }
    }

    /** Extends the leases of this replica's running requests; run every third of the lease time. */
    private void renewLeases() {
        if (running.isEmpty() || health.down()) {
            return;
        }
        List<String> keys = new ArrayList<>();
        List<String> args = new ArrayList<>();
        args.add(Long.toString(leaseTtl.toMillis()));
        for (SharedPermit p : running) {
            keys.add(p.keyScope + "leases");
            args.add(p.member);
            keys.add(p.tenantScope + "leases");
            args.add(p.member);
        }
        try {
            scripts.renew(keys, args);
        } catch (JedisException e) {
            health.unreachable(e);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "lease renewal failed (" + e.getClass().getSimpleName() + ")");
        }
    }

    /**
     * Settles the requests that have ended, stops renewing leases and disconnects. Requests still running keep
     * their leases until they lapse, as a replica that died would; later calls do nothing.
     */
    @Override
    public void close() {
        synchronized (renewer) {
            if (renewer.isShutdown()) {
                return;
            }
            renewer.shutdownNow();
        }
        settleEnded();
        redis.close();
    }
}
