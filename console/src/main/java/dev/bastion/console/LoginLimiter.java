package dev.bastion.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Failed logins per client address and in total, over a sliding {@link #WINDOW}: past {@link #PER_ADDRESS} failures
 * from one address (or {@link #TOTAL} from all) no login is tried until the window moves on. Guessing a key with
 * 256 random bits is hopeless anyway; the limit keeps a flood off the store and the audit log. Being limited is a
 * value ({@link #allows} returns false), not an exception. Thread-safe.
 */
final class LoginLimiter {
    static final Duration WINDOW = Duration.ofMinutes(1);
    static final int PER_ADDRESS = 10;
    static final int TOTAL = 100;
    /** Addresses tracked at most; past this the table is emptied (a flood of addresses meets the total limit). */
    private static final int MAX_ADDRESSES = 10_000;

    private final Clock clock;
    private final Map<String, Deque<Instant>> byAddress = new HashMap<>();
    private final Deque<Instant> all = new ArrayDeque<>();

    LoginLimiter(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Whether a login from {@code address} may be tried now: fewer failures than the limits in the window. */
    synchronized boolean allows(String address) {
        Instant since = clock.instant().minus(WINDOW);
        prune(all, since);
        Deque<Instant> mine = byAddress.get(address);
        if (mine != null) {
            prune(mine, since);
        }
        return all.size() < TOTAL && (mine == null || mine.size() < PER_ADDRESS);
    }

    /** Counts a failed login from {@code address}. */
    synchronized void failed(String address) {
        Instant now = clock.instant();
        if (byAddress.size() >= MAX_ADDRESSES) {
            byAddress.clear();
        }
        byAddress.computeIfAbsent(address, a -> new ArrayDeque<>()).addLast(now);
        all.addLast(now);
    }

    private static void prune(Deque<Instant> times, Instant since) {
        while (!times.isEmpty() && !times.peekFirst().isAfter(since)) {
            times.removeFirst();
        }
    }
}
