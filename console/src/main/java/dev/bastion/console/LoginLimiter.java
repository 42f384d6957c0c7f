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
 * Login attempts per client address and in total, over a sliding {@link #WINDOW}: guessing keys through the login
 * form is throttled long before it could matter (a key has 256 random bits; the limit is for the store's sake and
 * the audit log's). Being limited is a value ({@link #tryAttempt} returns false), not an exception. Thread-safe.
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

    /** Counts an attempt from {@code address}; false when it is over the limit (the attempt is then not counted). */
    synchronized boolean tryAttempt(String address) {
        Instant now = clock.instant();
        Instant since = now.minus(WINDOW);
        prune(all, since);
        if (byAddress.size() >= MAX_ADDRESSES) {
            byAddress.clear();
        }
        Deque<Instant> mine = byAddress.computeIfAbsent(address, a -> new ArrayDeque<>());
        prune(mine, since);
        if (mine.size() >= PER_ADDRESS || all.size() >= TOTAL) {
            return false;
        }
        mine.addLast(now);
        all.addLast(now);
        return true;
    }

    private static void prune(Deque<Instant> times, Instant since) {
        while (!times.isEmpty() && !times.peekFirst().isAfter(since)) {
            times.removeFirst();
        }
    }
}
