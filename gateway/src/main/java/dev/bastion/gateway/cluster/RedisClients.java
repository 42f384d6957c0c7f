package dev.bastion.gateway.cluster;

import dev.bastion.gateway.config.ClusterSettings;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;

/** Connections to {@code cluster.redis-url}, made the same way for every part that shares Redis. */
final class RedisClients {
    private RedisClients() {
    }

    /**
     * A pooled client (lazy: a server that is down now is a fallback for its user, not a failure), named after the
     * node and {@code purpose}.
     *
     * @param env where a password given as {@code cluster.redis-password-env} is read from
     */
    static RedisClient open(ClusterSettings cluster, Map<String, String> env, String purpose) {
        URI url = cluster.redisUrl().orElseThrow(() -> new IllegalArgumentException("cluster.redis-url is not set"));
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(64);
        pool.setMaxIdle(64);
        pool.setMaxWait(Duration.ofMillis(500));
        DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder().connectionTimeoutMillis(250)
                .socketTimeoutMillis(1000).clientName("bastion-" + cluster.effectiveNodeId() + "-" + purpose);
        cluster.redisPassword().ifPresent(p -> client.password(
                p.resolve(env).toUtf8(dev.bastion.crypto.InsecureSecretAccess.get())));
        return RedisClient.builder().hostAndPort(url.getHost(), url.getPort()).clientConfig(client.build())
                .poolConfig(pool).build();
    }

    /** The server, for messages: {@code redis://host:port} (never a password). */
    static String where(ClusterSettings cluster) {
        URI url = cluster.redisUrl().orElseThrow(() -> new IllegalArgumentException("cluster.redis-url is not set"));
        return "redis://" + url.getHost() + ":" + url.getPort();
    }
}
