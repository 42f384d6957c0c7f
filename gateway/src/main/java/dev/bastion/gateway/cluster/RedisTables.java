package dev.bastion.gateway.cluster;

import dev.bastion.crypto.KeyedHasher;
import dev.bastion.guard.pseudonym.MemoryTables;
import dev.bastion.guard.pseudonym.PseudonymVault;
import dev.bastion.guard.pseudonym.TableStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The pseudonym vault's tables in the Redis server the replicas share (docs/scale-out.md), so a conversation keeps
 * its surrogates whichever replica each turn reaches. Redis holds only what the vault sealed, under keys that are
 * keyed hashes of the API key id and conversation id (the key of {@code keys/api-key-hash.json}, the same on every
 * replica): neither values nor ids are readable there. Each table expires in Redis itself; an index per API key lets
 * erasure delete all of a key's tables in one script.
 *
 * <p>While Redis cannot be reached, tables are kept in this replica's memory ({@link MemoryTables}): a conversation
 * then gets fresh surrogates on each replica, which costs the model some consistency and exposes nothing, since
 * each answer is restored by the replica that pseudonymised its request. Erasure is the exception: it must reach
 * the shared copy, so it fails while Redis is down and the caller reports that. Thread-safe.
 */
public final class RedisTables implements TableStore, AutoCloseable {
    private static final String TABLE = "bastion:pv:t:";
    private static final String INDEX = "bastion:pv:k:";
    private static final LuaScript REPLACE = new LuaScript("vault-replace.lua");
    private static final LuaScript ERASE = new LuaScript("vault-erase.lua");

    private final UnifiedJedis redis;
    private final String where;
    private final KeyedHasher hasher;
    private final MemoryTables fallback;
    private final RedisHealth health;

    /** Thrown by {@link #eraseKey} when the shared copy cannot be reached: nothing shared was erased. */
    public static final class Unreachable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unreachable(String where) {
            super("the shared pseudonym cache at " + where + " cannot be reached; retry the erasure when it answers");
        }
    }

    /**
     * @param hasher the keyed hash that names tables (the same key on every replica)
     * @param fallback where tables go while Redis cannot be reached
     */
    public RedisTables(UnifiedJedis redis, String where, KeyedHasher hasher, MemoryTables fallback, LongSupplier nanoTime) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.where = Objects.requireNonNull(where, "where");
        this.hasher = Objects.requireNonNull(hasher, "hasher");
        this.fallback = Objects.requireNonNull(fallback, "fallback");
        this.health = new RedisHealth(System.getLogger(RedisTables.class.getName()), "the shared pseudonym cache at " + where,
                "conversations keep their pseudonyms in this replica", nanoTime);
    }

    /** Tables in the Redis server of {@code cluster.redis-url} (connected lazily), this replica's memory as fallback. */
    public static RedisTables connect(dev.bastion.gateway.config.ClusterSettings cluster, java.util.Map<String, String> env,
            KeyedHasher hasher, MemoryTables fallback) {
        return new RedisTables(RedisClients.open(cluster, env, "pseudonyms"), RedisClients.where(cluster), hasher,
                fallback, System::nanoTime);
    }

    @Override
    public Optional<byte[]> get(PseudonymVault.Scope scope) {
        if (health.skip()) {
            return fallback.get(scope);
        }
        try {
            byte[] sealed = redis.get(tableKey(scope));
            health.reachable();
            return Optional.ofNullable(sealed);
        } catch (JedisException e) {
            health.unreachable(e);
            return fallback.get(scope);
        }
    }

    @Override
    public Outcome replace(PseudonymVault.Scope scope, Optional<byte[]> expected, byte[] next, Duration ttl) {
        if (health.skip()) {
            return fallback.replace(scope, expected, next, ttl);
        }
        try {
            Object stored = REPLACE.runBinary(redis, List.of(tableKey(scope), indexKey(scope.keyId())), List.of(
                    ascii(expected.isPresent() ? "1" : "0"), expected.orElse(new byte[0]), next,
                    ascii(Long.toString(Math.max(1, ttl.toMillis())))));
            health.reachable();
            return Long.valueOf(1).equals(stored) ? Outcome.REPLACED : Outcome.CONFLICT;
        } catch (JedisException e) {
            health.unreachable(e);
            return fallback.replace(scope, expected, next, ttl);
        }
    }

    /** @throws Unreachable when Redis cannot be reached (this replica's fallback tables are erased all the same) */
    @Override
    public int eraseKey(String keyId) {
        int local = fallback.eraseKey(keyId);
        try {
            Object deleted = ERASE.runBinary(redis, List.of(indexKey(keyId)), List.of());
            health.reachable();
            return local + ((Long) deleted).intValue();
        } catch (JedisException e) {
            health.unreachable(e);
            throw new Unreachable(where);
        }
    }

    @Override
    public int purgeExpired() {
        return fallback.purgeExpired(); // Redis expires its own copies
    }

    @Override
    public int size() {
        return fallback.size();
    }

    /** Whether tables are going to this replica's memory because Redis cannot be reached. */
    public boolean usingFallback() {
        return health.down();
    }

    @Override
    public void close() {
        redis.close();
    }

    private byte[] tableKey(PseudonymVault.Scope scope) {
        return ascii(TABLE + hex("pseudonym table\u0000" + scope.keyId() + "\u0000" + scope.conversation()));
    }

    private byte[] indexKey(String keyId) {
        return ascii(INDEX + hex("pseudonym key\u0000" + keyId));
    }

    private String hex(String name) {
        return HexFormat.of().formatHex(hasher.hash(name.getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
