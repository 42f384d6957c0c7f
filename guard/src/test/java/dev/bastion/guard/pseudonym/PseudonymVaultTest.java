package dev.bastion.guard.pseudonym;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.crypto.Envelope;
import dev.bastion.guard.Pseudonymizer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PseudonymVaultTest {
    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock();
    private Sealer sealer;

    @BeforeEach
    void keys() {
        Envelope envelope = Envelope.open(new Envelope.MasterKeySource.File(dir.resolve("master.json")), Map.of());
        sealer = Sealer.envelope(envelope, envelope.newWrappedKey("vault"), "vault");
    }

    private String pseudonymise(PseudonymVault vault, PseudonymVault.Scope scope, String type, String value) {
        return vault.update(scope, t -> new Pseudonymizer(t, Surrogates.of(Style.TAG), s -> false).surrogate(type, value))
                .orElseThrow();
    }

    @Test
    void surrogatesStayTheSameWithinAConversationAndDifferAcrossScopes() {
        PseudonymVault vault = new PseudonymVault(sealer, Duration.ofHours(1), clock, 100);
        PseudonymVault.Scope a = new PseudonymVault.Scope("key_a", "conv-1");
        assertThat(pseudonymise(vault, a, "PERSON", "Ada")).isEqualTo("<PERSON_1>");
        assertThat(pseudonymise(vault, a, "PERSON", "Bob")).isEqualTo("<PERSON_2>");
        assertThat(pseudonymise(vault, a, "PERSON", "Ada")).isEqualTo("<PERSON_1>");
        assertThat(vault.read(a).entries()).hasSize(2);
    }

    @Test
    void anotherKeyOfTheSameConversationCannotRestoreTheValues() {
        PseudonymVault vault = new PseudonymVault(sealer, Duration.ofHours(1), clock, 100);
        pseudonymise(vault, new PseudonymVault.Scope("key_a", "conv-1"), "EMAIL_ADDRESS", "ada@example.org");
        PseudonymTable other = vault.read(new PseudonymVault.Scope("key_b", "conv-1"));
        assertThat(other.isEmpty()).isTrue();
        assertThat(Restorer.restore(other, "<EMAIL_ADDRESS_1>", Restorer.Escaping.NONE)).isEqualTo("<EMAIL_ADDRESS_1>");
    }

    @Test
    void aScopeExpiresAfterItsTtlSinceLastUseAndIsPurged() {
        PseudonymVault vault = new PseudonymVault(sealer, Duration.ofMinutes(30), clock, 100);
        PseudonymVault.Scope a = new PseudonymVault.Scope("key_a", "conv-1");
        pseudonymise(vault, a, "PERSON", "Ada");
        clock.advance(Duration.ofMinutes(20));
        assertThat(vault.update(a, t -> t.entries().size())).contains(1); // a use extends the expiry
        clock.advance(Duration.ofMinutes(20));
        assertThat(vault.read(a).entries()).hasSize(1);
        clock.advance(Duration.ofMinutes(11));
        assertThat(vault.read(a).isEmpty()).isTrue();
        assertThat(vault.purgeExpired()).isEqualTo(1);
        assertThat(vault.size()).isZero();
        assertThat(pseudonymise(vault, a, "PERSON", "Bob")).isEqualTo("<PERSON_1>");
    }

    @Test
    void aTableSealedForOneScopeDoesNotOpenForAnother() {
        byte[] sealed = sealer.seal(new PseudonymTable().toBytes(), new PseudonymVault.Scope("k", "c").context());
        assertThatThrownBy(() -> sealer.open(sealed, new PseudonymVault.Scope("k2", "c").context()))
                .isInstanceOf(java.security.GeneralSecurityException.class);
    }

    @Test
    void aFullVaultRefusesNewConversationsUntilOneExpires() {
        PseudonymVault vault = new PseudonymVault(sealer, Duration.ofMinutes(10), clock, 2);
        pseudonymise(vault, new PseudonymVault.Scope("k", "c1"), "PERSON", "Ada");
        clock.advance(Duration.ofMinutes(5));
        pseudonymise(vault, new PseudonymVault.Scope("k", "c2"), "PERSON", "Bob");
        PseudonymVault.Scope third = new PseudonymVault.Scope("k", "c3");
        assertThat(vault.update(third, t -> new Pseudonymizer(t, Surrogates.of(Style.TAG), s -> false)
                .surrogate("PERSON", "Dee"))).isEmpty();
        assertThat(vault.update(third, t -> 1)).as("a request that adds nothing needs no room").contains(1);
        assertThat(vault.size()).isEqualTo(2);
        assertThat(pseudonymise(vault, new PseudonymVault.Scope("k", "c1"), "PERSON", "Cy")).isEqualTo("<PERSON_2>");
        clock.advance(Duration.ofMinutes(11));
        assertThat(pseudonymise(vault, third, "PERSON", "Dee")).isEqualTo("<PERSON_1>");
    }

    @Test
    void anUpdateThatLosesARaceIsAppliedAgainToTheWinnersTable() {
        MemoryTables memory = new MemoryTables(clock, 10);
        PseudonymVault.Scope scope = new PseudonymVault.Scope("k", "c");
        PseudonymVault mine = new PseudonymVault(sealer, Duration.ofMinutes(10), memory);
        PseudonymVault other = new PseudonymVault(sealer, Duration.ofMinutes(10), memory); // another replica's view
        int[] runs = {0};
        String mary = mine.update(scope, t -> {
            if (runs[0]++ == 0) {
                pseudonymise(other, scope, "PERSON", "Ada"); // the other replica writes first
            }
            return new Pseudonymizer(t, Surrogates.of(Style.TAG), s -> false).surrogate("PERSON", "Mary");
        }).orElseThrow();
        assertThat(runs[0]).isEqualTo(2);
        assertThat(mary).isEqualTo("<PERSON_2>");
        assertThat(other.read(scope).entries()).hasSize(2);
    }

    @Test
    void erasingAKeyRemovesOnlyThatKeysTables() {
        PseudonymVault vault = new PseudonymVault(sealer, Duration.ofMinutes(10), clock, 10);
        pseudonymise(vault, new PseudonymVault.Scope("k1", "a"), "PERSON", "Ada");
        pseudonymise(vault, new PseudonymVault.Scope("k1", "b"), "PERSON", "Bob");
        pseudonymise(vault, new PseudonymVault.Scope("k2", "a"), "PERSON", "Cy");
        assertThat(vault.eraseKey("k1")).isEqualTo(2);
        assertThat(vault.read(new PseudonymVault.Scope("k1", "a")).entries()).isEmpty();
        assertThat(vault.read(new PseudonymVault.Scope("k2", "a")).entries()).hasSize(1);
    }

    @Test
    void aPortableSealOpensUnderAnyDataKeyOfTheSameMasterKeyAndNoForgedOne() throws Exception {
        Envelope envelope = Envelope.open(new Envelope.MasterKeySource.File(dir.resolve("master.json")), Map.of());
        Sealer a = Sealer.portable(envelope, envelope.newWrappedKey("vault"), "vault");
        Sealer b = Sealer.portable(envelope, envelope.newWrappedKey("vault"), "vault");
        byte[] context = "scope".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] sealed = a.seal("table".getBytes(java.nio.charset.StandardCharsets.UTF_8), context);
        assertThat(new String(b.open(sealed, context), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("table");
        assertThatThrownBy(() -> b.open(sealed, "other".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .isInstanceOf(java.security.GeneralSecurityException.class);
        Envelope stranger = Envelope.open(new Envelope.MasterKeySource.File(dir.resolve("other-master.json")), Map.of());
        byte[] forged = Sealer.portable(stranger, stranger.newWrappedKey("vault"), "vault").seal(new byte[] {1}, context);
        assertThatThrownBy(() -> b.open(forged, context)).isInstanceOf(java.security.GeneralSecurityException.class);
        assertThatThrownBy(() -> b.open(new byte[] {0, 9, 1}, context)).isInstanceOf(java.security.GeneralSecurityException.class);
    }

    @Test
    void aBadTtlOrScopeIsRefusedWithItsName() {
        assertThatThrownBy(() -> new PseudonymVault(sealer, Duration.ZERO, clock, 100)).hasMessageContaining("ttl");
        assertThatThrownBy(() -> new PseudonymVault.Scope("", "c")).hasMessageContaining("key id");
    }

    @Test
    void aTableRoundTripsThroughBytesAndRejectsGarbage() {
        PseudonymTable t = new PseudonymTable();
        new Pseudonymizer(t, Surrogates.of(Style.TAG), s -> false).surrogate("PERSON", "Ada");
        PseudonymTable back = PseudonymTable.fromBytes(t.toBytes());
        assertThat(back.entries()).isEqualTo(t.entries());
        assertThat(back.changed()).isFalse();
        assertThat(back.entries().getFirst().toString()).doesNotContain("Ada");
        assertThatThrownBy(() -> PseudonymTable.fromBytes("[]".getBytes())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aCandidateTheCallerAvoidsIsSkipped() {
        Pseudonymizer p = new Pseudonymizer(new PseudonymTable(), Surrogates.of(Style.TAG), s -> s.equals("<PERSON_1>"));
        assertThat(p.surrogate("PERSON", "Ada")).isEqualTo("<PERSON_2>");
        assertThat(p.surrogate("PERSON", "Bob")).isEqualTo("<PERSON_3>");
    }

    static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

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
}
