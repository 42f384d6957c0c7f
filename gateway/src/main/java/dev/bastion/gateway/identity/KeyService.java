package dev.bastion.gateway.identity;

import dev.bastion.crypto.InsecureSecretAccess;
import dev.bastion.crypto.KeyedHasher;
import dev.bastion.crypto.RandomTokens;
import dev.bastion.crypto.SecretBytes;
import dev.bastion.store.keys.ApiKey;
import dev.bastion.store.keys.KeyRepository;
import dev.bastion.store.keys.Limits;
import dev.bastion.store.keys.Role;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Creates, recognises, revokes and rotates API keys.
 *
 * <p>A key is {@code bsk_} followed by 256 random bits in base64url. Only its keyed hash is stored; the key is
 * returned once, at creation. Recognition hashes the presented key and looks the hash up, then compares the stored
 * hash in constant time. A recognised key is cached for {@link #CACHE_TTL_NANOS} (one second), so a request
 * does not read the store, and the cache is keyed by the SHA-256 digest of the presented key, so a request does not
 * compute the keyed hash either (see {@link Presented}): a revocation or rotation through this service takes effect
 * on the very next request (the entry is dropped at once), one made by another process sharing the store (the CLI,
 * another replica) within a second. Replicas on PostgreSQL hear of each change (dev.bastion.store.jdbc.PostgresKeyChanges calls
 * {@link #forgetKey} and {@link #forgetAllKeys}), so they may cache longer ({@link #CLUSTER_CACHE_TTL}) and still
 * stop serving a revoked key within a second. Expiry is checked on every request. With {@link #keepFresh} running,
 * the keys presented in the last {@link #KEEP_FRESH} are read again in the background before their cache time is
 * up, so a client that calls every few seconds is not the one who waits for the store. This class is thread-safe.
 */
public final class KeyService {
    private static final System.Logger LOG = System.getLogger(KeyService.class.getName());
    public static final String PREFIX = "bsk_";
    private static final int KEY_BYTES = 32;
    private static final int KEY_LENGTH = PREFIX.length() + 43;

    /** How long a recognised key is served from memory before the store is asked again. */
    static final long CACHE_TTL_NANOS = 1_000_000_000L;
    /** How long a replica that hears of key changes keeps a recognised key: changes reach it as they commit. */
    public static final java.time.Duration CLUSTER_CACHE_TTL = java.time.Duration.ofSeconds(30);
    /** Cached keys at most; the cache is emptied when it would grow past this (a flood of distinct keys). */
    static final int CACHE_MAX = 10_000;

    /**
     * How long after its last use a cached key is still read again in the background ({@link #keepFresh}): a chat
     * client that asks again within two minutes finds its key in memory, not behind a store read.
     */
    static final long KEEP_FRESH_NANOS = 120_000_000_000L;
    /** {@link #KEEP_FRESH_NANOS} as a duration, for the documentation. */
    public static final java.time.Duration KEEP_FRESH = java.time.Duration.ofNanos(KEEP_FRESH_NANOS);
    /** The most keys read again in one background round; the others expire as they would without it. */
    static final int REFRESH_MAX = 256;
    /** A use is noted at most this often per key (a shared write per request would be contended). */
    private static final long USE_GRAIN_NANOS = 50_000_000L;

    /**
     * A recognised key, when it was read from the store, and when it was last presented (noted at most every
     * {@link #USE_GRAIN_NANOS}; read by the background refresh only).
     */
    private record Cached(ApiKey key, long loadedAt, java.util.concurrent.atomic.AtomicLong usedAt) {
        Cached {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(usedAt, "usedAt");
        }

        void used(long now) {
            if (now - usedAt.get() > USE_GRAIN_NANOS) {
                usedAt.set(now);
            }
        }
    }

    /*
     * Why the cache is keyed by an unkeyed digest of the presented key, not by its keyed hash. Tink's HMAC keeps one
     * javax.crypto.Mac per thread (a ThreadLocal), and every request runs on a new virtual thread, so each keyed hash
     * paid a provider look-up and a key set-up (about 1.6 kB and several microseconds per request, measured with
     * ThreadMXBean in a probe); a SHA-256 digest from a fresh MessageDigest costs a fraction of that. The digest of a
     * 256-bit random key reveals nothing that helps find the key, and it never leaves this map: the store still holds
     * only the keyed hash, which a cache miss computes and compares in constant time as before. A map look-up compares
     * digests, not keys, so its timing tells a caller nothing about a valid key's characters.
     */

    /** The SHA-256 digest of a presented key, as four longs (cheap to hash and compare as a map key). */
    private record Presented(long a, long b, long c, long d) {
        /** Cloned for each digest: a clone skips getInstance's provider look-up and algorithm checks. */
        private static final java.security.MessageDigest SHA256 = sha256();

        private static java.security.MessageDigest sha256() {
            try {
                return java.security.MessageDigest.getInstance("SHA-256");
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK has SHA-256", e);
            }
        }

        static Presented of(String presented) {
            java.security.MessageDigest sha;
            try {
                sha = (java.security.MessageDigest) SHA256.clone();
            } catch (CloneNotSupportedException e) {
                sha = sha256(); // a provider whose SHA-256 cannot be cloned
            }
            byte[] digest = sha.digest(presented.getBytes(StandardCharsets.US_ASCII));
            java.nio.ByteBuffer words = java.nio.ByteBuffer.wrap(digest);
            return new Presented(words.getLong(), words.getLong(), words.getLong(), words.getLong());
        }
    }

    private final KeyRepository keys;
    private final KeyedHasher hasher;
    private final RandomTokens random;
    private final Clock clock;
    private final java.util.function.LongSupplier ticker;
    private final long cacheTtlNanos;
    /**
     * Counts {@link #forgetKey} and {@link #forgetAllKeys} calls. A lookup that raced with one (it read the store
     * before a change committed and would cache the old key after the change was heard) sees the count move and
     * drops what it cached: forgetting counts first and then removes, the lookup caches first and then checks.
     */
    private final java.util.concurrent.atomic.AtomicLong forgotten = new java.util.concurrent.atomic.AtomicLong();
    /** Recognised keys by the digest of the key as presented, for {@link #CACHE_TTL_NANOS}. */
    private final java.util.concurrent.ConcurrentHashMap<Presented, Cached> cache = new java.util.concurrent.ConcurrentHashMap<>();

    public KeyService(KeyRepository keys, KeyedHasher hasher, RandomTokens random, Clock clock) {
        this(keys, hasher, random, clock, System::nanoTime, CACHE_TTL_NANOS);
    }

    /**
     * A key service whose cache keeps a recognised key for {@code cacheTtl}: for a replica that is told of every
     * key change through {@link #forgetKey} and {@link #forgetAllKeys}.
     */
    public KeyService(KeyRepository keys, KeyedHasher hasher, RandomTokens random, Clock clock,
            java.time.Duration cacheTtl) {
        this(keys, hasher, random, clock, System::nanoTime, cacheTtl.toNanos());
    }

    /** @param ticker nanosecond time for the cache (tests pass a fake one) */
    KeyService(KeyRepository keys, KeyedHasher hasher, RandomTokens random, Clock clock,
            java.util.function.LongSupplier ticker) {
        this(keys, hasher, random, clock, ticker, CACHE_TTL_NANOS);
    }

    private KeyService(KeyRepository keys, KeyedHasher hasher, RandomTokens random, Clock clock,
            java.util.function.LongSupplier ticker, long cacheTtlNanos) {
        if (cacheTtlNanos <= 0) {
            throw new IllegalArgumentException("the key cache time must be positive");
        }
        this.cacheTtlNanos = cacheTtlNanos;
        this.keys = Objects.requireNonNull(keys, "keys");
        this.hasher = Objects.requireNonNull(hasher, "hasher");
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
    }

    /** What a new key may do. */
    public record KeySpec(Role role, String tenant, List<String> models, Optional<Instant> expiresAt,
            Optional<Limits> limits, String label) {
        public KeySpec {
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(tenant, "tenant");
            models = List.copyOf(models);
            if (models.isEmpty()) {
                throw new IllegalArgumentException("a key needs at least one allowed model, or * for all");
            }
            Objects.requireNonNull(expiresAt, "expiresAt");
            Objects.requireNonNull(limits, "limits");
            Objects.requireNonNull(label, "label");
        }
    }

    /** A new key and its secret, which is never retrievable again. */
    public record CreatedKey(ApiKey key, SecretBytes secret) {
    }

    public CreatedKey create(KeySpec spec) {
        Instant now = clock.instant();
        spec.expiresAt().ifPresent(at -> {
            if (!at.isAfter(now)) {
                throw new IllegalArgumentException("the expiry time must be in the future");
            }
        });
        SecretBytes secret = random.token(PREFIX, KEY_BYTES);
        ApiKey key = new ApiKey(random.identifier("key_", 8), hasher.hash(secret), spec.role(), spec.tenant(),
                spec.models(), now, spec.expiresAt(), Optional.empty(), spec.limits(), spec.label());
        keys.insertKey(key);
        return new CreatedKey(key, secret);
    }

    /** The active key presented as {@code presented}, or empty if it is malformed, unknown, revoked or expired. */
    public Optional<ApiKey> authenticate(String presented) {
        if (presented == null || presented.length() != KEY_LENGTH || !presented.startsWith(PREFIX)) {
            return Optional.empty();
        }
        Presented cacheKey = Presented.of(presented);
        long now = ticker.getAsLong();
        Cached cached = cache.get(cacheKey);
        ApiKey key;
        if (cached != null && now - cached.loadedAt() < cacheTtlNanos) {
            key = cached.key();
            cached.used(now);
        } else {
            long changesSeen = forgotten.get();
            byte[] hash = hasher.hash(presented.getBytes(StandardCharsets.US_ASCII));
            Optional<ApiKey> found = storedKey(hash);
            if (found.isEmpty()) {
                cache.remove(cacheKey);
                return Optional.empty();
            }
            key = found.get();
            if (cache.size() >= CACHE_MAX) {
                cache.clear();
            }
            Cached loaded = new Cached(key, now, new java.util.concurrent.atomic.AtomicLong(now));
            cache.put(cacheKey, loaded);
            if (forgotten.get() != changesSeen) {
                cache.remove(cacheKey, loaded); // a change was heard while the store was read: do not keep it
            }
        }
        return key.isActive(clock.instant()) ? Optional.of(key) : Optional.empty();
    }

    /**
     * Starts the background refresh: every quarter of the cache time, each cached key that was presented within the
     * last {@link #KEEP_FRESH} and was read more than half a cache time ago is read from the store again (at most
     * {@link #REFRESH_MAX} a round). The guarantee is unchanged: a key is served from memory only when it was read
     * from the store less than the cache time ago, so a revocation by another process still counts within it; what
     * changes is who waits for the read. Without the refresh, a client whose requests come more than a second apart
     * (one streamed answer takes longer) paid a keyed hash and a store query before each first byte, on code the
     * JIT had seen once a second (docs/benchmarks.md, "Gateway overhead", round thirteen).
     *
     * @return stops the refresh (waits for a round in progress)
     */
    public AutoCloseable keepFresh() {
        long period = Math.max(1, cacheTtlNanos / 4);
        Thread refresher = Thread.ofPlatform().daemon().name("bastion-key-refresh").start(() -> {
            boolean failing = false;
            while (!Thread.currentThread().isInterrupted()) {
                java.util.concurrent.locks.LockSupport.parkNanos(period);
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                try {
                    refreshRecentlyUsed();
                    failing = false;
                } catch (RuntimeException e) { // the store is unavailable: entries expire and requests read it
                    if (!failing) {
                        LOG.log(System.Logger.Level.WARNING, "the background key refresh failed ("
                                + e.getClass().getSimpleName() + "); keys are read on their next request");
                    }
                    failing = true;
                }
            }
        });
        return () -> {
            refresher.interrupt();
            refresher.join();
        };
    }

    /**
     * One round of the background refresh (see {@link #keepFresh}).
     *
     * @return how many keys were read from the store
     */
    int refreshRecentlyUsed() {
        int read = 0;
        for (var entry : cache.entrySet()) {
            Cached cached = entry.getValue();
            long now = ticker.getAsLong();
            if (now - cached.usedAt().get() > KEEP_FRESH_NANOS || now - cached.loadedAt() < cacheTtlNanos / 2) {
                continue; // no longer used (left to expire), or read recently enough
            }
            if (read >= REFRESH_MAX) {
                break;
            }
            read++;
            long changesSeen = forgotten.get();
            Optional<ApiKey> found = storedKey(cached.key().hash());
            if (found.isEmpty()) {
                cache.remove(entry.getKey(), cached);
                continue;
            }
            Cached fresh = new Cached(found.get(), now, cached.usedAt());
            if (cache.replace(entry.getKey(), cached, fresh) && forgotten.get() != changesSeen) {
                cache.remove(entry.getKey(), fresh); // a change was heard while the store was read: do not keep it
            }
        }
        return read;
    }

    /** The stored key whose hash is {@code hash}, compared in constant time; empty if there is none. */
    private Optional<ApiKey> storedKey(byte[] hash) {
        return keys.findKeyByHash(hash).filter(k -> KeyedHasher.sameHash(k.hash(), hash));
    }

    /** Drops the cached entry of key {@code id}, so a change to it counts from the next request. */
    public void forgetKey(String id) {
        forgotten.incrementAndGet();
        cache.values().removeIf(c -> c.key().id().equals(id));
    }

    /** Drops every cached key: some changed, and which is not known. */
    public void forgetAllKeys() {
        forgotten.incrementAndGet();
        cache.clear();
    }

    public List<ApiKey> list() {
        return keys.listKeys();
    }

    public Optional<ApiKey> find(String id) {
        return keys.findKey(id);
    }

    /** Revokes a key; false if there is no such key or it was already revoked. */
    public boolean revoke(String id) {
        boolean revoked = keys.revokeKey(id, clock.instant());
        forgetKey(id);
        return revoked;
    }

    /**
     * Sets the per-key limits of key {@code id} ({@code empty}: the configured defaults apply again). The key's
     * next request is limited by them (its cached entry is dropped). False if there is no such key.
     */
    public boolean setLimits(String id, Optional<Limits> limits) {
        boolean changed = keys.updateLimits(id, Objects.requireNonNull(limits, "limits"));
        forgetKey(id);
        return changed;
    }

    /**
     * Replaces a key by a new one with the same role, tenant, models, expiry and limits, and revokes the old one at
     * once. Empty if there is no active key with that id.
     */
    public Optional<CreatedKey> rotate(String id) {
        Optional<ApiKey> old = keys.findKey(id).filter(k -> k.isActive(clock.instant()));
        if (old.isEmpty()) {
            return Optional.empty();
        }
        ApiKey k = old.get();
        CreatedKey created = create(new KeySpec(k.role(), k.tenant(), k.models(), k.expiresAt(), k.limits(),
                k.label().isEmpty() ? "rotated from " + k.id() : k.label()));
        keys.revokeKey(k.id(), clock.instant());
        forgetKey(k.id());
        return Optional.of(created);
    }

    /**
     * On first start with an empty store, creates one admin key and writes it to {@code adminKeyFile} (mode 0600).
     *
     * @return the file written, or empty when the store already had keys
     */
    public Optional<Path> bootstrapAdmin(Path adminKeyFile) {
        if (keys.countKeys() > 0) {
            return Optional.empty();
        }
        CreatedKey created = create(new KeySpec(Role.ADMIN, "default", List.of("*"), Optional.empty(),
                Optional.empty(), "bootstrap admin"));
        try {
            KeyedHasher.writePrivately(adminKeyFile, created.secret().toUtf8(InsecureSecretAccess.get()) + "\n");
        } catch (IOException e) {
            keys.revokeKey(created.key().id(), clock.instant());
            throw new UncheckedIOException("cannot write the admin key file " + adminKeyFile
                    + "; the key was revoked, fix the directory permissions and start again", e);
        }
        return Optional.of(adminKeyFile);
    }
}
