package dev.bastion.gateway.cluster;

import dev.bastion.store.keys.Limits;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import redis.clients.jedis.UnifiedJedis;

/**
 * The Lua scripts of the shared limiter ({@code limits.lua} and {@code renew.lua} beside this class), each a
 * {@link LuaScript}, with the Redis keys of each scope. Thread-safe.
 */
final class LimitScripts {
    private static final String PREFIX = "bastion:limits:";

    private final UnifiedJedis redis;
    private final LuaScript limits = new LuaScript("limits.lua");
    private final LuaScript renew = new LuaScript("renew.lua");

    LimitScripts(UnifiedJedis redis) {
        this.redis = Objects.requireNonNull(redis, "redis");
    }

    /** The prefix of a key's Redis keys. */
    static String keyScope(String keyId) {
        return PREFIX + "key:" + keyId + ":";
    }

    /** The prefix of a tenant's Redis keys. */
    static String tenantScope(String tenant) {
        return PREFIX + "tenant:" + tenant + ":";
    }

    /** One ended request, to be settled: its leases dropped, its reservations replaced by the tokens it used. */
    record Settlement(String keyScope, String tenantScope, String member, long slot, long keyReserved,
            long tenantReserved, long used) {
        Settlement {
            Objects.requireNonNull(keyScope, "keyScope");
            Objects.requireNonNull(tenantScope, "tenantScope");
            Objects.requireNonNull(member, "member");
            if (keyReserved < -1 || tenantReserved < -1 || used < -1) {
                throw new IllegalArgumentException("reservations and use are -1 (none) or counts");
            }
        }
    }

    /** One request asking to be admitted under a key's and its tenant's limits. */
    record Ask(String keyScope, String tenantScope, Limits key, Limits tenant, String member) {
        Ask {
            Objects.requireNonNull(keyScope, "keyScope");
            Objects.requireNonNull(tenantScope, "tenantScope");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(tenant, "tenant");
            Objects.requireNonNull(member, "member");
        }
    }

    /**
     * Settles {@code done}, then admits or refuses {@code ask}, in one run of limits.lua; see its header for the
     * reply.
     */
    List<Long> admit(List<Settlement> done, Ask ask, long leaseTtlMillis) {
        List<String> keys = new ArrayList<>(5 * done.size() + 5);
        List<String> args = new ArrayList<>(5 * done.size() + 10);
        start(done, true, leaseTtlMillis, keys, args);
        scopeKeys(ask.keyScope(), ask.tenantScope(), keys);
        for (Limits l : List.of(ask.key(), ask.tenant())) {
            args.add(Integer.toString(l.requestsPerMinute()));
            args.add(Long.toString(l.tokensPerMinute()));
            args.add(Integer.toString(l.concurrentRequests()));
        }
        args.add(ask.member());
        return longs(limits.run(redis, keys, args));
    }

    /** Settles {@code done} (not empty) in one run of limits.lua. */
    void settle(List<Settlement> done, long leaseTtlMillis) {
        if (done.isEmpty()) {
            throw new IllegalArgumentException("nothing to settle");
        }
        List<String> keys = new ArrayList<>(5 * done.size());
        List<String> args = new ArrayList<>(5 * done.size() + 3);
        start(done, false, leaseTtlMillis, keys, args);
        limits.run(redis, keys, args);
    }

    /** Runs renew.lua; returns how many leases were extended. */
    long renew(List<String> keys, List<String> args) {
        return (Long) renew.run(redis, keys, args);
    }

    private static void start(List<Settlement> done, boolean admit, long leaseTtlMillis, List<String> keys,
            List<String> args) {
        args.add(Integer.toString(done.size()));
        args.add(admit ? "1" : "0");
        args.add(Long.toString(leaseTtlMillis));
        for (Settlement s : done) {
            scopeKeys(s.keyScope(), s.tenantScope(), keys);
            args.add(s.member());
            args.add(Long.toString(s.slot()));
            args.add(Long.toString(s.keyReserved()));
            args.add(Long.toString(s.tenantReserved()));
            args.add(Long.toString(s.used()));
        }
    }

    private static void scopeKeys(String keyScope, String tenantScope, List<String> keys) {
        keys.add(keyScope + "window");
        keys.add(keyScope + "leases");
        keys.add(tenantScope + "window");
        keys.add(tenantScope + "leases");
        keys.add(keyScope + "estimate");
    }

    @SuppressWarnings("unchecked")
    private static List<Long> longs(Object reply) {
        return (List<Long>) reply;
    }
}
