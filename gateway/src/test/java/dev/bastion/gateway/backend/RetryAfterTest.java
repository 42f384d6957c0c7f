package dev.bastion.gateway.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RetryAfterTest {
    private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");

    @ParameterizedTest
    @CsvSource({"7, 7", " 7 , 7", "1, 1", "120, 120", "3600, 3600", "0, 1", "3601, 3600", "86400, 3600",
            "99999999999999999999999, 3600"})
    void secondsAreTakenAsTheyAreWithinOneSecondAndOneHour(String value, long expectedSeconds) {
        assertThat(RetryAfter.parse(value, NOW)).contains(Duration.ofSeconds(expectedSeconds));
    }

    @Test
    void anHttpDateIsMeasuredFromNow() {
        String in30s = DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.plusSeconds(30).atOffset(ZoneOffset.UTC));
        assertThat(RetryAfter.parse(in30s, NOW)).contains(Duration.ofSeconds(30));
        String past = DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.minusSeconds(30).atOffset(ZoneOffset.UTC));
        assertThat(RetryAfter.parse(past, NOW)).contains(RetryAfter.MIN);
        assertThat(RetryAfter.parse("Sat, 05 Dec 2026 12:00:07 GMT", NOW)).contains(Duration.ofSeconds(7));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "-3", "+7", "7.5", "7s", "soon", "0x10", "Someday, 99 Foo 2026 12:00:00 GMT"})
    void anythingElseIsIgnored(String value) {
        assertThat(RetryAfter.parse(value, NOW)).isEqualTo(Optional.empty());
    }
}
