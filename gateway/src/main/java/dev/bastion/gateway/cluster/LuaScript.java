package dev.bastion.gateway.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * One Lua script beside this class, run by its SHA-1 digest. A server that lost its script cache (it restarted, or
 * SCRIPT FLUSH) answers NOSCRIPT, and the script is loaded again and run once more. Thread-safe.
 */
final class LuaScript {
    private final String text;
    private volatile String sha;

    LuaScript(String resource) {
        try (InputStream in = LuaScript.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the build");
            }
            this.text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    /** Runs the script with text keys and arguments. */
    Object run(UnifiedJedis redis, List<String> keys, List<String> args) {
        try {
            return redis.evalsha(digest(redis), keys, args);
        } catch (JedisNoScriptException e) {
            sha = null;
            return redis.evalsha(digest(redis), keys, args);
        }
    }

    /** Runs the script with binary keys and arguments (sealed tables are bytes). */
    Object runBinary(UnifiedJedis redis, List<byte[]> keys, List<byte[]> args) {
        try {
            return redis.evalsha(digest(redis).getBytes(StandardCharsets.US_ASCII), keys, args);
        } catch (JedisNoScriptException e) {
            sha = null;
            return redis.evalsha(digest(redis).getBytes(StandardCharsets.US_ASCII), keys, args);
        }
    }

    private String digest(UnifiedJedis redis) {
        String digest = sha;
        if (digest == null) {
            digest = sha = redis.scriptLoad(text);
        }
        return digest;
    }
}
