package dev.bastion.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.config.LimitSettings;
import dev.bastion.store.keys.ApiKey;
import dev.bastion.store.keys.Limits;
import dev.bastion.store.keys.Role;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LocalRateLimiterTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private static ApiKey key(String id, String tenant, Optional<Limits> limits) {
        return new ApiKey(id, new byte[] {1}, Role.USER, tenant, List.of("*"), Instant.EPOCH, Optional.empty(),
                Optional.empty(), limits, "");
    }

    private RateLimiter limiter(Limits perKey, Limits perTenant) {
        return new LocalRateLimiter(new LimitSettings(perKey, perTenant), now::get);
    }

    @Test
    void requestsPerMinuteRefusesTheThirdAndRefillsOverTime() {
        RateLimiter limiter = limiter(new Limits(2, 0, 0), Limits.UNLIMITED);
        ApiKey k = key("key_0000000000000001", "t", Optional.empty());
        assertThat(limiter.tryAcquire(k)).isInstanceOf(RateLimiter.Admission.Admitted.class);
        assertThat(limiter.tryAcquire(k)).isInstanceOf(RateLimiter.Admission.Admitted.class);
        RateLimiter.Admission third = limiter.tryAcquire(k);
        assertThat(third).isInstanceOfSatisfying(RateLimiter.Admission.Limited.class, l -> {
            assertThat(l.limit()).isEqualTo("requests-per-minute");
            assertThat(l.scope()).isEqualTo("key");
            assertThat(l.retryAfter().toSeconds()).isBetween(1L, 30L);
        });
        now.addAndGet(30_000_000_000L);
        assertThat(limiter.tryAcquire(k)).isInstanceOf(RateLimiter.Admission.Admitted.class);
    }

    @Test
    void concurrencyLimitHoldsUntilPermitIsClosed() {
        RateLimiter limiter = limiter(new Limits(0, 0, 1), Limits.UNLIMITED);
        ApiKey k = key("key_0000000000000002", "t", Optional.empty());
        RateLimiter.Admission first = limiter.tryAcquire(k);
        assertThat(limiter.tryAcquire(k)).isInstanceOf(RateLimiter.Admission.Limited.class);
        ((RateLimiter.Admission.Admitted) first).permit().close();
        assertThat(limiter.tryAcquire(k)).isInstanceOf(RateLimiter.Admission.Admitted.class);
    }

    @Test
    void tokensChargedAfterTheAnswerBlockUntilRefilled() {
        RateLimiter limiter = limiter(new Limits(0, 100, 0), Limits.UNLIMITED);
        ApiKey k = key("key_0000000000000003", "t", Optional.empty());
        try (RateLimiter.Permit p = ((RateLimiter.Admission.Admitted) limiter.tryAcquire(k)).permit()) {
            p.chargeTokens(150);
        }
        assertThat(limiter.tryAcquire(k)).isInstanceOfSatisfying(RateLimiter.Admission.Limited.class,
                l -> assertThat(l.limit()).isEqualTo("tokens-per-minute"));
        now.addAndGet(60_000_000_000L);
        assertThat(limiter.tryAcquire(k)).isInstanceOf(RateLimiter.Admission.Admitted.class);
    }

    @Test
    void tenantLimitIsSharedByItsKeys() {
        RateLimiter limiter = limiter(Limits.UNLIMITED, new Limits(2, 0, 0));
        assertThat(limiter.tryAcquire(key("key_00000000000000a1", "acme", Optional.empty()))).isInstanceOf(RateLimiter.Admission.Admitted.class);
        assertThat(limiter.tryAcquire(key("key_00000000000000a2", "acme", Optional.empty()))).isInstanceOf(RateLimiter.Admission.Admitted.class);
        assertThat(limiter.tryAcquire(key("key_00000000000000a3", "acme", Optional.empty())))
                .isInstanceOfSatisfying(RateLimiter.Admission.Limited.class, l -> assertThat(l.scope()).isEqualTo("tenant"));
        assertThat(limiter.tryAcquire(key("key_00000000000000b1", "other", Optional.empty()))).isInstanceOf(RateLimiter.Admission.Admitted.class);
    }

    @Test
    void perKeyLimitsReplaceDefaults() {
        RateLimiter limiter = limiter(new Limits(1000, 0, 0), Limits.UNLIMITED);
        ApiKey k = key("key_0000000000000004", "t", Optional.of(new Limits(1, 0, 0)));
        assertThat(limiter.tryAcquire(k)).isInstanceOf(RateLimiter.Admission.Admitted.class);
        assertThat(limiter.tryAcquire(k)).isInstanceOf(RateLimiter.Admission.Limited.class);
    }

    @Test
    void limitedRequestDoesNotConsumeAConcurrencySlot() {
        RateLimiter limiter = limiter(new Limits(1, 0, 1), Limits.UNLIMITED);
        ApiKey k = key("key_0000000000000005", "t", Optional.empty());
        RateLimiter.Permit p = ((RateLimiter.Admission.Admitted) limiter.tryAcquire(k)).permit();
        p.close();
        assertThat(limiter.tryAcquire(k)).isInstanceOf(RateLimiter.Admission.Limited.class);
        now.addAndGet(60_000_000_000L);
        assertThat(limiter.tryAcquire(k)).isInstanceOf(RateLimiter.Admission.Admitted.class);
    }
}
