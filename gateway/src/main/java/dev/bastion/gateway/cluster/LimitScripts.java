package dev.bastion.gateway.cluster;

import java.util.List;
import java.util.Objects;
import redis.clients.jedis.UnifiedJedis;

/**
 * The Lua scripts of the shared limiter ({@code admit.lua}, {@code finish.lua}, {@code renew.lua} beside this
 * class), each a {@link LuaScript}. Thread-safe.
 */
final class LimitScripts {
    private final UnifiedJedis redis;
    private final LuaScript admit = new LuaScript("admit.lua");
    private final LuaScript finish = new LuaScript("finish.lua");
    private final LuaScript renew = new LuaScript("renew.lua");

    LimitScripts(UnifiedJedis redis) {
        this.redis = Objects.requireNonNull(redis, "redis");
    }

    /** Runs admit.lua; see its header for the keys, arguments and reply. */
    List<Long> admit(List<String> keys, List<String> args) {
        return longs(admit.run(redis, keys, args));
    }

    /** Runs finish.lua; returns the key's token estimate after the request. */
    long finish(List<String> keys, List<String> args) {
        return (Long) finish.run(redis, keys, args);
    }

    /** Runs renew.lua; returns how many leases were extended. */
    long renew(List<String> keys, List<String> args) {
        return (Long) renew.run(redis, keys, args);
    }

    @SuppressWarnings("unchecked")
    private static List<Long> longs(Object reply) {
        return (List<Long>) reply;
    }
}
