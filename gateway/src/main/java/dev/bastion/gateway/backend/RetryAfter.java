package dev.bastion.gateway.backend;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * An upstream's {@code Retry-After} value, read so that it can be passed on to the client unchanged, within bounds.
 *
 * <p>RFC 9110 section 10.2.3 allows two forms: a number of seconds ({@code 7}) or an HTTP date. Both are read;
 * anything else is ignored (empty). The delay is kept between {@link #MIN} and {@link #MAX}: an upstream cannot tell
 * clients to hammer it at once, nor to stay away for a day because of a typo or a hostile proxy. This class is
 * stateless and thread-safe.
 */
public final class RetryAfter {
    /** The shortest delay passed on: Retry-After has whole seconds, and 0 would invite an immediate retry storm. */
    public static final Duration MIN = Duration.ofSeconds(1);
    /** The longest delay passed on (one hour). */
    public static final Duration MAX = Duration.ofHours(1);
    /** Digits accepted in the seconds form; more would overflow a long and are clamped to MAX anyway. */
    private static final int MAX_DIGITS = 12;

    private RetryAfter() {
    }

    /**
     * The delay the header asks for, clamped to [{@link #MIN}, {@link #MAX}], or empty when the value is in neither
     * form.
     *
     * @param value the header's value
     * @param now the time an HTTP date is measured from
     */
    public static Optional<Duration> parse(String value, Instant now) {
        String v = value.strip();
        if (v.isEmpty()) {
            return Optional.empty();
        }
        if (allDigits(v)) {
            if (v.length() > MAX_DIGITS) {
                return Optional.of(MAX);
            }
            return Optional.of(clamp(Duration.ofSeconds(Long.parseLong(v))));
        }
        try {
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return Optional.of(clamp(Duration.between(now, at)));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static boolean allDigits(String v) {
        for (int i = 0; i < v.length(); i++) {
            if (v.charAt(i) < '0' || v.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static Duration clamp(Duration d) {
        if (d.compareTo(MIN) < 0) {
            return MIN;
        }
        return d.compareTo(MAX) > 0 ? MAX : d;
    }
}
