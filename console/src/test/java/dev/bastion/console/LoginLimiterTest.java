package dev.bastion.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LoginLimiterTest {
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
