package dev.bastion.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class LoginLimiterTest {
    private static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-12-01T00:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void tenFailuresFromOneAddressStopItsLoginsForAMinuteButNotOthers() {
        MovableClock clock = new MovableClock();
        LoginLimiter limiter = new LoginLimiter(clock);
        for (int i = 0; i < LoginLimiter.PER_ADDRESS; i++) {
            assertThat(limiter.allows("10.0.0.1")).isTrue();
            limiter.failed("10.0.0.1");
        }
        assertThat(limiter.allows("10.0.0.1")).isFalse();
        assertThat(limiter.allows("10.0.0.2")).isTrue();
        clock.now = clock.now.plus(LoginLimiter.WINDOW).plus(Duration.ofSeconds(1));
        assertThat(limiter.allows("10.0.0.1")).isTrue();
    }

    @Test
    void failuresFromManyAddressesMeetTheTotalLimit() {
        LoginLimiter limiter = new LoginLimiter(new MovableClock());
        for (int i = 0; i < LoginLimiter.TOTAL; i++) {
            limiter.failed("10.0.1." + i);
        }
        assertThat(limiter.allows("10.0.2.1")).isFalse();
    }
}
