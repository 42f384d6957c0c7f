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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** The fallback limiter alone, and side by side with the Lua scripts it mirrors. */
class WindowLimiterTest {
    private static ApiKey key(String id, String tenant, Limits limits) {
        return new ApiKey(id, new byte[] {1}, Role.USER, tenant, List.of("*"), Instant.EPOCH, Optional.empty(),
                Optional.empty(), Optional.of(limits), "");
    }

    @Test
    void aReplicasShareOfThreeAdmitsAThirdOfTheRequestsUntilTheWindowMovesOn() {
        AtomicLong millis = new AtomicLong(1_000_000_000_000L);
        WindowLimiter share = new WindowLimiter(new LimitSettings(Limits.UNLIMITED, Limits.UNLIMITED), millis::get, 3);
        ApiKey k = key("key_0000000000000001", "t", new Limits(600, 0, 0));
        int admitted = 0;
        for (int i = 0; i < 600; i++) {
            millis.addAndGet(10); // 6 s in all
            if (share.tryAcquire(k) instanceof RateLimiter.Admission.Admitted a) {
                admitted++;
                a.permit().close();
            }
        }
        assertThat(admitted).isEqualTo(200);
        assertThat(share.tryAcquire(k)).isInstanceOfSatisfying(RateLimiter.Admission.Limited.class,
                l -> assertThat(l.retryAfter()).isEqualTo(Duration.ofSeconds(54)));
        millis.addAndGet(60_000);
        assertThat(share.tryAcquire(k)).isInstanceOf(RateLimiter.Admission.Admitted.class);
    }

    @Test
    void aShareIsNeverUnlimitedAndUnlimitedStaysUnlimited() {
        assertThat(WindowLimiter.share(new Limits(2, 10, 1), 3)).isEqualTo(new Limits(1, 3, 1));
        assertThat(WindowLimiter.share(Limits.UNLIMITED, 3)).isEqualTo(Limits.UNLIMITED);
    }

    @Test
    void tokensAreReservedThenSettledWithWhatWasUsed() {
        AtomicLong millis = new AtomicLong(1_000_000_000_000L);
        WindowLimiter limiter = new WindowLimiter(new LimitSettings(Limits.UNLIMITED, Limits.UNLIMITED), millis::get, 1);
        ApiKey k = key("key_0000000000000002", "t", new Limits(0, 100, 0));
        RateLimiter.Permit first = ((RateLimiter.Admission.Admitted) limiter.tryAcquire(k)).permit();
        first.chargeTokens(60);
        first.close(); // the estimate is now 60: a second request needs 60 of the 40 left
        assertThat(limiter.tryAcquire(k)).isInstanceOfSatisfying(RateLimiter.Admission.Limited.class,
                l -> assertThat(l.limit()).isEqualTo("tokens-per-minute"));
    }

    /*
     * The differential test: one random sequence of admissions, charges and ends, run through the Lua scripts on a
     * real Redis (RedisRateLimiter, one replica) and through WindowLimiter, must get the same answer at every step.
     * The sequence runs in a few hundred milliseconds, well inside one window, so the two clocks (Redis's and
     * this JVM's) cannot disagree about which slots count.
     */
    @Test
    void theFallbackDecidesEveryRequestAsTheLuaScriptsDo() {
        java.util.Map<String, Integer> reasons = new java.util.TreeMap<>();
        // requests and concurrency bind first
        int admitted = differential(new Limits(90, 3000, 4), List.of(new Limits(45, 1500, 3), new Limits(40, 1200, 2),
                new Limits(30, 0, 0)), 21, reasons);
        // tokens bind first
        admitted += differential(new Limits(90, 1500, 4), List.of(new Limits(45, 700, 3), new Limits(40, 600, 2),
                new Limits(30, 0, 0)), 22, reasons);
        // a key's tokens bind first
        admitted += differential(new Limits(200, 0, 10), List.of(new Limits(60, 300, 3), new Limits(60, 250, 2),
                new Limits(30, 0, 0)), 23, reasons);
        System.out.println("differential: " + admitted + " admitted and refused alike " + reasons);
        assertThat(admitted).isGreaterThan(40);
        assertThat(reasons.keySet()).as("every kind of refusal is compared").containsExactlyInAnyOrder(
                "key concurrent-requests", "key requests-per-minute", "key tokens-per-minute",
                "tenant concurrent-requests", "tenant requests-per-minute", "tenant tokens-per-minute");
    }

    /** Runs one random sequence through both; returns how many were admitted and counts the refusals by reason. */
    private static int differential(Limits tenant, List<Limits> keyLimits, long seed,
            java.util.Map<String, Integer> reasons) {
        URI redis = TestRedis.shared().url();
        String run = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()).substring(0, 12);
        LimitSettings settings = new LimitSettings(Limits.UNLIMITED, tenant);
        RedisRateLimiter lua = new RedisRateLimiter(RedisClient.create(redis.getHost(), redis.getPort()),
                redis.toString(), new ClusterSettings(Optional.of(redis), Optional.empty(), "diff", 1, Duration.ofSeconds(30),
                        Optional.empty()), settings, System::nanoTime);
        WindowLimiter twin = new WindowLimiter(settings, System::currentTimeMillis, 1);
        List<ApiKey> keys = new ArrayList<>();
        for (int i = 0; i < keyLimits.size(); i++) {
            keys.add(key("key_" + run + "000" + i, "t" + run, keyLimits.get(i)));
        }
        SplittableRandom random = new SplittableRandom(seed);
        List<RateLimiter.Permit[]> open = new ArrayList<>();
        int admitted = 0;
        try {
            for (int step = 0; step < 300; step++) {
                if (open.isEmpty() || random.nextInt(10) < 6) {
                    ApiKey k = keys.get(random.nextInt(keys.size()));
                    RateLimiter.Admission a = lua.tryAcquire(k);
                    RateLimiter.Admission b = twin.tryAcquire(k);
                    switch (a) {
                        case RateLimiter.Admission.Admitted x -> {
                            assertThat(b).as("step " + step).isInstanceOf(RateLimiter.Admission.Admitted.class);
                            open.add(new RateLimiter.Permit[] {x.permit(),
                                    ((RateLimiter.Admission.Admitted) b).permit()});
                            admitted++;
                        }
                        case RateLimiter.Admission.Limited x -> {
                            assertThat(b).as("step " + step).isInstanceOfSatisfying(RateLimiter.Admission.Limited.class,
                                    y -> assertThat(y.scope() + " " + y.limit()).isEqualTo(x.scope() + " " + x.limit()));
                            reasons.merge(x.scope() + " " + x.limit(), 1, Integer::sum);
                        }
                    }
                } else {
                    RateLimiter.Permit[] pair = open.remove(random.nextInt(open.size()));
                    int tokens = random.nextInt(4) == 0 ? -1 : random.nextInt(60);
                    for (RateLimiter.Permit p : pair) {
                        if (tokens >= 0) {
                            p.chargeTokens(tokens);
                        }
                        p.close();
                    }
                }
            }
            assertThat(lua.usingFallback()).isFalse();
        } finally {
            open.forEach(pair -> List.of(pair).forEach(RateLimiter.Permit::close));
            lua.close();
        }
        return admitted;
    }
}
