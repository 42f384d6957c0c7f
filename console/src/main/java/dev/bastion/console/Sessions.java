package dev.bastion.console;

import dev.bastion.store.keys.Role;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

/**
 * Console sessions, held in memory on the server: the browser holds only an opaque 256-bit token, and this class
 * holds only the token's SHA-256, so a memory dump or a log line of the table gives no usable cookie.
 *
 * <p>A session ends after {@link #IDLE} without a request, {@link #ABSOLUTE} after login whatever happens, at logout,
 * or when its key is revoked ({@link #endAllOf}; the gatekeeper also checks the key on every request). Sessions do
 * not survive a restart: one logs in again. This class is thread-safe.
 */
final class Sessions {
    static final Duration IDLE = Duration.ofMinutes(15);
    static final Duration ABSOLUTE = Duration.ofHours(8);
    /** Live sessions at most; a login past this is refused until some expire (memory stays bounded). */
    static final int MAX = 10_000;

    /**
     * One logged-in browser.
     *
     * @param keyId the API key that logged in
     * @param role its role (admin or auditor)
     * @param tenant its tenant
     * @param csrf the token every non-GET must carry (form field or {@code X-CSRF-Token})
     * @param createdAt login time
     * @param lastSeen time of the latest request
     */
    record Session(String keyId, Role role, String tenant, String csrf, Instant createdAt, Instant lastSeen) {
        Session {
            Objects.requireNonNull(keyId, "keyId");
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(tenant, "tenant");
            Objects.requireNonNull(csrf, "csrf");
            Objects.requireNonNull(createdAt, "createdAt");
            Objects.requireNonNull(lastSeen, "lastSeen");
            if (lastSeen.isBefore(createdAt)) {
                throw new IllegalArgumentException("a session cannot be seen before it was created");
            }
        }

        boolean expiredAt(Instant now) {
            return !now.isBefore(lastSeen.plus(IDLE)) || !now.isBefore(createdAt.plus(ABSOLUTE));
        }
    }

    /** A new session and the token that names it, which is given to the browser once and never stored. */
    record Opened(String token, Session session) {
    }

    private final ConcurrentHashMap<String, Session> byTokenHash = new ConcurrentHashMap<>();
    private final Clock clock;
    private final RandomGenerator random;

    Sessions(Clock clock) {
        this(clock, new SecureRandom());
    }

    /** With a given random source, for tests. */
    Sessions(Clock clock, RandomGenerator random) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** Opens a session for a key that has just logged in; empty when {@link #MAX} sessions are live. */
    Optional<Opened> open(String keyId, Role role, String tenant) {
        Instant now = clock.instant();
        byTokenHash.values().removeIf(s -> s.expiredAt(now));
        if (byTokenHash.size() >= MAX) {
            return Optional.empty();
        }
        String token = randomToken();
        Session s = new Session(keyId, role, tenant, randomToken(), now, now);
        byTokenHash.put(hash(token), s);
        return Optional.of(new Opened(token, s));
    }

    /** The live session named by {@code token}, touched (its idle time starts again); empty when none or expired. */
    Optional<Session> find(String token) {
        if (token == null || token.length() != 43) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        String h = hash(token);
        Session s = byTokenHash.get(h);
        if (s == null) {
            return Optional.empty();
        }
        if (s.expiredAt(now)) {
            byTokenHash.remove(h, s);
            return Optional.empty();
        }
        Session touched = new Session(s.keyId(), s.role(), s.tenant(), s.csrf(), s.createdAt(), now);
        byTokenHash.replace(h, s, touched);
        return Optional.of(touched);
    }

    /** Whether the session named by {@code token} is live, without touching it (a live stream does not keep it). */
    boolean alive(String token) {
        Session s = token == null || token.length() != 43 ? null : byTokenHash.get(hash(token));
        return s != null && !s.expiredAt(clock.instant());
    }

    /** Ends the session named by {@code token}, if any. */
    void end(String token) {
        if (token != null) {
            byTokenHash.remove(hash(token));
        }
    }

    /** Ends every session of key {@code keyId} (it was revoked or rotated); returns how many. */
    int endAllOf(String keyId) {
        int[] n = {0};
        byTokenHash.values().removeIf(s -> {
            boolean match = s.keyId().equals(keyId);
            if (match) {
                n[0]++;
            }
            return match;
        });
        return n[0];
    }

    int size() {
        return byTokenHash.size();
    }

    /** 256 random bits in base64url without padding: 43 characters. */
    private String randomToken() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
