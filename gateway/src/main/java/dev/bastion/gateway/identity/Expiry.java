package dev.bastion.gateway.identity;

import java.time.Duration;
import java.util.Locale;

/** Parses key lifetimes such as {@code 90d}, {@code 12h}, {@code 2w} or {@code 30m}. */
public final class Expiry {
    private Expiry() {
    }

    /** @throws IllegalArgumentException with the accepted forms, for anything else or a non-positive value */
    public static Duration parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (!t.matches("[0-9]{1,6}[smhdw]")) {
            throw new IllegalArgumentException("'" + text + "' is not a lifetime; use a number and a unit: "
                    + "30m, 12h, 90d or 2w");
        }
        long n = Long.parseLong(t.substring(0, t.length() - 1));
        if (n == 0) {
            throw new IllegalArgumentException("a key lifetime must be positive");
        }
        return switch (t.charAt(t.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            case 'd' -> Duration.ofDays(n);
            default -> Duration.ofDays(7 * n);
        };
    }
}
