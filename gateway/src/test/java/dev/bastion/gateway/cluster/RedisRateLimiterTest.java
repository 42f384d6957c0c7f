package dev.bastion.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.config.ClusterSettings;
import dev.bastion.gateway.config.LimitSettings;
import dev.bastion.gateway.identity.RateLimiter;
import dev.bastion.gateway.testing.TestRedis;
import dev.bastion.store.keys.ApiKey;
import dev.bastion.store.keys.Limits;
import dev.bastion.store.keys.Role;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

/** The shared limiter against a real Redis: several limiters in one JVM stand for several replicas. */
class RedisRateLimiterTest {
    @TempDir
    Path dir;

    private static final LimitSettings UNLIMITED_TENANTS = new LimitSettings(Limits.UNLIMITED, Limits.UNLIMITED);

    /** A key with a fresh id and tenant, so runs against one shared server never meet. */
    private static ApiKey freshKey(Limits limits) {
        String hex = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        return new ApiKey("key_" + hex, new byte[] {1}, Role.USER, "t" + hex, List.of("*"), Instant.EPOCH,
                Optional.empty(), Optional.empty(), Optional.of(limits), "");
    }

    private static RedisRateLimiter replica(URI redis, String node, int replicas, Duration leaseTtl) {
        ClusterSettings cluster = new ClusterSettings(Optional.of(redis), Optional.empty(), node, replicas, leaseTtl, Optional.empty());
        return new RedisRateLimiter(RedisClient.create(redis.getHost(), redis.getPort()), redis.toString(), cluster,
                UNLIMITED_TENANTS, System::nanoTime);
    }

    private static List<RedisRateLimiter> replicas(URI redis, int n, Duration leaseTtl) {
        List<RedisRateLimiter> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(replica(redis, "node-" + i, n, leaseTtl));
        }
        return all;
    }

    /** Makes {@code attempts} requests spread round-robin over the replicas from 8 threads; returns how many got in. */
    private static int hammer(List<RedisRateLimiter> replicas, ApiKey key, int attempts, long tokensEach,
            AtomicLong tokensAdmitted) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger admitted = new AtomicInteger();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int t = 0; t < 8; t++) {
                pool.submit(() -> {
                    for (int i; (i = next.getAndIncrement()) < attempts;) {
                        if (replicas.get(i % replicas.size()).tryAcquire(key) instanceof RateLimiter.Admission.Admitted a) {
                            admitted.incrementAndGet();
                            a.permit().chargeTokens(tokensEach);
                            tokensAdmitted.addAndGet(tokensEach);
                            a.permit().close();
                        }
                    }
                    return null;
                });
            }
        }
        System.out.println("shared limiter: " + admitted.get() + " of " + attempts + " admitted, " + tokensAdmitted.get()
                + " tokens");
        return admitted.get();
    }

    @Test
    void threeReplicasTogetherAdmitTheKeysRequestsPerMinuteOnce() throws Exception {
        List<RedisRateLimiter> three = replicas(TestRedis.shared().url(), 3, Duration.ofSeconds(30));
        try {
            int admitted = hammer(three, freshKey(new Limits(600, 0, 0)), 2000, 0, new AtomicLong());
            assertThat(admitted).isBetween(594, 606);
            assertThat(three).noneMatch(RedisRateLimiter::usingFallback);
        } finally {
            three.forEach(RedisRateLimiter::close);
        }
    }

    @Test
    void tokensReservedAtAdmissionAndSettledAfterwardsStayWithinOnePercentPlusOneRequest() throws Exception {
        List<RedisRateLimiter> three = replicas(TestRedis.shared().url(), 3, Duration.ofSeconds(30));
        try {
            AtomicLong tokens = new AtomicLong();
            hammer(three, freshKey(new Limits(0, 10_000, 0)), 2000, 100, tokens);
            assertThat(tokens.get()).isBetween(10_000L - 100, 10_000L + 100 + 100);
            assertThat(three).noneMatch(RedisRateLimiter::usingFallback);
        } finally {
            three.forEach(RedisRateLimiter::close);
        }
    }

    @Test
    void leasesOfAReplicaThatStopsWithoutReleasingLapseWhileARunningReplicasAreRenewed() throws Exception {
        URI redis = TestRedis.shared().url();
        ApiKey key = freshKey(new Limits(0, 0, 2));
        RedisRateLimiter a = replica(redis, "a", 2, Duration.ofSeconds(1));
        RedisRateLimiter b = replica(redis, "b", 2, Duration.ofSeconds(1));
        try {
            assertThat(a.tryAcquire(key)).isInstanceOf(RateLimiter.Admission.Admitted.class);
            assertThat(b.tryAcquire(key)).isInstanceOf(RateLimiter.Admission.Admitted.class);
            assertThat(b.tryAcquire(key)).isInstanceOfSatisfying(RateLimiter.Admission.Limited.class,
                    l -> assertThat(l.limit()).isEqualTo("concurrent-requests"));
            a.close(); // a dies holding its lease: nothing releases or renews it
            Thread.sleep(2500); // longer than two lease times: b's own lease was renewed, a's lapsed
            assertThat(b.tryAcquire(key)).isInstanceOf(RateLimiter.Admission.Admitted.class);
            assertThat(b.tryAcquire(key)).isInstanceOf(RateLimiter.Admission.Limited.class);
        } finally {
            b.close();
        }
    }

    @Test
    void withRedisUnreachableEachReplicaEnforcesItsShareNeverNoLimit() throws Exception {
        URI dead = URI.create("redis://127.0.0.1:" + TestRedis.freePort());
        List<RedisRateLimiter> three = replicas(dead, 3, Duration.ofSeconds(30));
        try {
            ApiKey key = freshKey(new Limits(600, 0, 0));
            int admitted = hammer(three, key, 2000, 0, new AtomicLong());
            assertThat(admitted).isEqualTo(3 * 200);
            assertThat(three).allMatch(RedisRateLimiter::usingFallback);
        } finally {
            three.forEach(RedisRateLimiter::close);
        }
    }

    @Test
    void losingRedisIsLoggedOnceAndTheSharedLimitsResumeWhenItReturns() throws Exception {
        List<LogRecord> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        Logger logger = Logger.getLogger(RedisRateLimiter.class.getName());
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                logged.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(capture);
        TestRedis own = TestRedis.startOwn(dir);
        RedisRateLimiter limiter = replica(own.url(), "a", 2, Duration.ofSeconds(30));
        try {
            ApiKey key = freshKey(new Limits(1000, 0, 0));
            assertThat(limiter.tryAcquire(key)).isInstanceOf(RateLimiter.Admission.Admitted.class);
            own.kill();
            for (int i = 0; i < 50; i++) {
                assertThat(limiter.tryAcquire(key)).isInstanceOf(RateLimiter.Admission.Admitted.class);
            }
            assertThat(limiter.usingFallback()).isTrue();
            own = TestRedis.startOwn(dir, own.port());
            Thread.sleep(1100); // Redis is tried again at most once a second
            assertThat(limiter.tryAcquire(key)).isInstanceOf(RateLimiter.Admission.Admitted.class);
            assertThat(limiter.usingFallback()).isFalse();
            assertThat(logged.stream().filter(r -> r.getLevel() == Level.WARNING)).hasSize(1);
            assertThat(logged.stream().filter(r -> r.getLevel() == Level.INFO)).hasSize(1);
        } finally {
            logger.removeHandler(capture);
            limiter.close();
            own.close();
        }
    }

    @Test
    void aRedisThatAsksForAPasswordGetsTheOneFromTheEnvironmentAndWithoutItTheShareApplies() throws Exception {
        try (TestRedis own = TestRedis.startOwn(dir, TestRedis.freePort(), "--requirepass", "Canary-pw-5x")) {
            ClusterSettings withPassword = new ClusterSettings(Optional.of(own.url()),
                    Optional.of(new dev.bastion.gateway.config.SecretRef.FromEnv("TEST_REDIS_PASSWORD")), "a", 2,
                    Duration.ofSeconds(30), Optional.empty());
            ApiKey key = freshKey(new Limits(100, 0, 0));
            try (RedisRateLimiter limiter = RedisRateLimiter.connect(withPassword, UNLIMITED_TENANTS,
                    java.util.Map.of("TEST_REDIS_PASSWORD", "Canary-pw-5x"))) {
                assertThat(limiter.tryAcquire(key)).isInstanceOf(RateLimiter.Admission.Admitted.class);
                assertThat(limiter.usingFallback()).isFalse();
            }
            ClusterSettings without = new ClusterSettings(Optional.of(own.url()), Optional.empty(), "b", 2,
                    Duration.ofSeconds(30), Optional.empty());
            try (RedisRateLimiter limiter = RedisRateLimiter.connect(without, UNLIMITED_TENANTS, java.util.Map.of())) {
                assertThat(limiter.tryAcquire(key)).isInstanceOf(RateLimiter.Admission.Admitted.class);
                assertThat(limiter.usingFallback()).as("refused by Redis: this replica's share").isTrue();
            }
        }
    }
}
