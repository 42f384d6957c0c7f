package dev.bastion.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.store.keys.Role;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SessionsTest {
    @Test
    void aTokenIs256RandomBitsAndOnlyItsHashIsKept() {
        Sessions sessions = new Sessions(new MovableClock());
        Sessions.Opened a = sessions.open("key_0000000000000001", Role.ADMIN, "default").orElseThrow();
        Sessions.Opened b = sessions.open("key_0000000000000001", Role.ADMIN, "default").orElseThrow();
        assertThat(a.token()).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(b.token());
        assertThat(a.session().csrf()).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(a.token());
        assertThat(sessions.find(a.token())).isPresent();
        assertThat(sessions.find(Sessions.hash(a.token()))).isEmpty();
    }

    @Test
    void aSessionIdleFor15MinutesEnds() {
        MovableClock clock = new MovableClock();
        Sessions sessions = new Sessions(clock);
        String token = sessions.open("key_0000000000000001", Role.AUDITOR, "default").orElseThrow().token();
        clock.now = clock.now.plus(Duration.ofMinutes(14));
        assertThat(sessions.find(token)).isPresent();
        clock.now = clock.now.plus(Duration.ofMinutes(15));
        assertThat(sessions.find(token)).isEmpty();
    }

    @Test
    void aBusySessionStillEndsAfter8Hours() {
        MovableClock clock = new MovableClock();
        Sessions sessions = new Sessions(clock);
        String token = sessions.open("key_0000000000000001", Role.ADMIN, "default").orElseThrow().token();
        for (int i = 0; i < 8 * 6 - 1; i++) {
            clock.now = clock.now.plus(Duration.ofMinutes(10));
            assertThat(sessions.find(token)).as("after %d minutes", (i + 1) * 10).isPresent();
        }
        clock.now = clock.now.plus(Duration.ofMinutes(10));
        assertThat(sessions.find(token)).isEmpty();
    }

    @Test
    void endingAllSessionsOfAKeyLeavesOtherKeysSessions() {
        Sessions sessions = new Sessions(new MovableClock());
        String mine = sessions.open("key_0000000000000001", Role.ADMIN, "default").orElseThrow().token();
        String other = sessions.open("key_0000000000000002", Role.ADMIN, "default").orElseThrow().token();
        assertThat(sessions.endAllOf("key_0000000000000001")).isEqualTo(1);
        assertThat(sessions.find(mine)).isEmpty();
        assertThat(sessions.find(other)).isPresent();
    }
}
