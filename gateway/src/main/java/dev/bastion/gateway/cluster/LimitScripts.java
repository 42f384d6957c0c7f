package dev.bastion.gateway.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * The Lua scripts of the shared limiter ({@code admit.lua}, {@code finish.lua}, {@code renew.lua} beside this
 * class), run by their SHA-1 digest. A server that lost its script cache (it restarted, or SCRIPT FLUSH) answers
 * NOSCRIPT, and the script is loaded again and run once more. Thread-safe.
 */
final class LimitScripts {
    /** One script: its text and, once loaded, its digest. */
    private static final class Script {
        private final String text;
        private volatile String sha;

        Script(String resource) {
            this.text = read(resource);
        }

        Object run(UnifiedJedis redis, List<String> keys, List<String> args) {
            String digest = sha;
            if (digest == null) {
                digest = sha = redis.scriptLoad(text);
            }
            try {
                return redis.evalsha(digest, keys, args);
            } catch (JedisNoScriptException e) {
                sha = redis.scriptLoad(text);
                return redis.evalsha(sha, keys, args);
            }
        }
    }

    private final UnifiedJedis redis;
    private final Script admit = new Script("admit.lua");
    private final Script finish = new Script("finish.lua");
    private final Script renew = new Script("renew.lua");

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

    private static String read(String resource) {
        try (InputStream in = LimitScripts.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
