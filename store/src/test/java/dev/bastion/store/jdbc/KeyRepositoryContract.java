package dev.bastion.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.store.keys.ApiKey;
import dev.bastion.store.keys.KeyRepository;
import dev.bastion.store.keys.Limits;
import dev.bastion.store.keys.Role;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What every {@link KeyRepository} does; run on SQLite and PostgreSQL. */
abstract class KeyRepositoryContract extends DatabaseTestBase {
    static ApiKey key(String id, byte hashByte, Optional<Instant> expires, Optional<Limits> limits) {
        return new ApiKey(id, new byte[] {1, 2, hashByte}, Role.USER, "tenant-a", List.of("m1", "gpt-*"),
                Instant.ofEpochMilli(1_700_000_000_000L), expires, Optional.empty(), limits, "label");
    }

    @Test
    void keysRoundTripWithEveryField() {
        KeyRepository keys = new JdbcKeyRepository(db);
        ApiKey k = key("key_00000000000000a1", (byte) 1, Optional.of(Instant.ofEpochMilli(1_800_000_000_000L)),
                Optional.of(new Limits(10, 2000, 3)));
        keys.insertKey(k);
        assertThat(keys.findKey(k.id())).contains(k);
        assertThat(keys.findKeyByHash(new byte[] {1, 2, 1})).contains(k);
        assertThat(keys.findKeyByHash(new byte[] {9})).isEmpty();
        assertThat(keys.countKeys()).isEqualTo(1);
        ApiKey plain = key("key_00000000000000a2", (byte) 2, Optional.empty(), Optional.empty());
        keys.insertKey(plain);
        assertThat(keys.listKeys()).containsExactly(k, plain);
    }

    @Test
    void aSecondKeyWithTheSameHashIsRefusedWithoutNamingIt() {
        KeyRepository keys = new JdbcKeyRepository(db);
        keys.insertKey(key("key_00000000000000b1", (byte) 1, Optional.empty(), Optional.empty()));
        assertThatThrownBy(() -> keys.insertKey(key("key_00000000000000b2", (byte) 1, Optional.empty(), Optional.empty())))
                .isInstanceOf(IllegalStateException.class).hasMessageNotContaining("0102");
        assertThat(keys.countKeys()).isEqualTo(1);
    }

    @Test
    void aKeyIsRevokedOnceThenNotAgain() {
        KeyRepository keys = new JdbcKeyRepository(db);
        keys.insertKey(key("key_00000000000000c1", (byte) 1, Optional.empty(), Optional.empty()));
        assertThat(keys.revokeKey("key_00000000000000c1", Instant.ofEpochMilli(5))).isTrue();
        assertThat(keys.revokeKey("key_00000000000000c1", Instant.ofEpochMilli(6))).isFalse();
        assertThat(keys.revokeKey("key_ffffffffffffffff", Instant.ofEpochMilli(6))).isFalse();
        assertThat(keys.findKey("key_00000000000000c1").orElseThrow().revokedAt()).contains(Instant.ofEpochMilli(5));
    }

    @Test
    void aKeysLimitsAreReplacedThenClearedAndNoOtherKeyChanges() {
        KeyRepository keys = new JdbcKeyRepository(db);
        keys.insertKey(key("key_00000000000000e1", (byte) 1, Optional.empty(), Optional.empty()));
        ApiKey other = key("key_00000000000000e2", (byte) 2, Optional.empty(), Optional.of(new Limits(5, 6, 7)));
        keys.insertKey(other);
        assertThat(keys.updateLimits("key_00000000000000e1", Optional.of(new Limits(60, 9000, 2)))).isTrue();
        assertThat(keys.findKey("key_00000000000000e1").orElseThrow().limits()).contains(new Limits(60, 9000, 2));
        assertThat(keys.updateLimits("key_00000000000000e1", Optional.empty())).isTrue();
        assertThat(keys.findKey("key_00000000000000e1").orElseThrow().limits()).isEmpty();
        assertThat(keys.updateLimits("key_ffffffffffffffff", Optional.empty())).isFalse();
        assertThat(keys.findKey(other.id())).contains(other);
    }

    @Test
    void aRevocationIsSeenThroughAnotherConnectionToTheSameDatabase() {
        new JdbcKeyRepository(db).insertKey(key("key_00000000000000d1", (byte) 1, Optional.empty(), Optional.empty()));
        try (Database other = databases.open()) {
            assertThat(new JdbcKeyRepository(other).revokeKey("key_00000000000000d1", Instant.ofEpochMilli(7))).isTrue();
        }
        assertThat(new JdbcKeyRepository(db).findKeyByHash(new byte[] {1, 2, 1}).orElseThrow().isActive(
                Instant.ofEpochMilli(8))).isFalse();
    }
}
