package dev.bastion.gateway.cluster;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Whether a part that shares Redis is working without it: once a call fails, the part falls back, logs one WARNING,
 * tries Redis again at most once a second, and logs one INFO when it answers. Thread-safe.
 */
final class RedisHealth {
    private static final long RETRY_NANOS = 1_000_000_000L;

    private final System.Logger log;
    private final String what;
    private final String fallback;
    private final LongSupplier nanoTime;
    /** While Redis is unreachable: the nanoTime before which it is not tried again. */
    private final AtomicLong retryAt = new AtomicLong();
    private volatile boolean down;

    /**
     * @param log the part's own logger
     * @param what the part and the server, for the log ("the shared rate limiter at redis://...")
     * @param fallback what the part does meanwhile, for the log
     */
    RedisHealth(System.Logger log, String what, String fallback, LongSupplier nanoTime) {
        this.log = Objects.requireNonNull(log, "log");
        this.what = Objects.requireNonNull(what, "what");
        this.fallback = Objects.requireNonNull(fallback, "fallback");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /** Whether to skip Redis now: it is down and this is not the once-a-second retry. */
    boolean skip() {
        if (!down) {
            return false;
        }
        long now = nanoTime.getAsLong();
        long at = retryAt.get();
        return now - at < 0 || !retryAt.compareAndSet(at, now + RETRY_NANOS);
    }

    boolean down() {
        return down;
    }

    /** A call failed: fall back until the next retry. */
    void unreachable(JedisException e) {
        retryAt.set(nanoTime.getAsLong() + RETRY_NANOS);
        if (!down) {
            synchronized (this) {
                if (!down) {
                    down = true;
                    log.log(System.Logger.Level.WARNING, what + " cannot be reached (" + e.getClass().getSimpleName()
                            + "); " + fallback + " until it answers again");
                }
            }
        }
    }

    /** A call succeeded. */
    void reachable() {
        if (down) {
            synchronized (this) {
                if (down) {
                    down = false;
                    log.log(System.Logger.Level.INFO, what + " answers again");
                }
            }
        }
    }
}
