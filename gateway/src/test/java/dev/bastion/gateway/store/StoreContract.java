package dev.bastion.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.gateway.config.LimitSettings.Limits;
import dev.bastion.gateway.identity.ApiKey;
import dev.bastion.gateway.identity.Role;
import dev.bastion.gateway.identity.UsageRepository.Usage;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The behaviour every store must have; run against SQLite and PostgreSQL. */
abstract class StoreContract {
    protected JdbcStore store;

    /** Opens a fresh, empty store (each call for the same test returns a store over the same database). */
    abstract JdbcStore open();

    @BeforeEach
    void openStore() {
        store = open();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    static ApiKey key(String id, byte hashByte, Optional<Instant> expires, Optional<Limits> limits) {
        return new ApiKey(id, new byte[] {1, 2, hashByte}, Role.USER, "tenant-a", List.of("m1", "gpt-*"),
                Instant.ofEpochMilli(1_700_000_000_000L), expires, Optional.empty(), limits, "label");
    }

    @Test
    void keysRoundTripWithEveryField() {
        ApiKey k = key("key_00000000000000a1", (byte) 1, Optional.of(Instant.ofEpochMilli(1_800_000_000_000L)),
                Optional.of(new Limits(10, 2000, 3)));
        store.insertKey(k);
        assertThat(store.findKey(k.id())).contains(k);
        assertThat(store.findKeyByHash(new byte[] {1, 2, 1})).contains(k);
        assertThat(store.findKeyByHash(new byte[] {9})).isEmpty();
        assertThat(store.countKeys()).isEqualTo(1);
        ApiKey plain = key("key_00000000000000a2", (byte) 2, Optional.empty(), Optional.empty());
        store.insertKey(plain);
        assertThat(store.listKeys()).containsExactly(k, plain);
    }

    @Test
    void duplicateKeyIsRefused() {
        store.insertKey(key("key_00000000000000b1", (byte) 1, Optional.empty(), Optional.empty()));
        assertThatThrownBy(() -> store.insertKey(key("key_00000000000000b2", (byte) 1, Optional.empty(), Optional.empty())))
                .isInstanceOf(IllegalStateException.class).hasMessageNotContaining("0102");
    }

    @Test
    void revokeOnceThenNotAgain() {
        store.insertKey(key("key_00000000000000c1", (byte) 1, Optional.empty(), Optional.empty()));
        assertThat(store.revokeKey("key_00000000000000c1", Instant.ofEpochMilli(5))).isTrue();
        assertThat(store.revokeKey("key_00000000000000c1", Instant.ofEpochMilli(6))).isFalse();
        assertThat(store.revokeKey("key_ffffffffffffffff", Instant.ofEpochMilli(6))).isFalse();
        assertThat(store.findKey("key_00000000000000c1").orElseThrow().revokedAt()).contains(Instant.ofEpochMilli(5));
    }

    @Test
    void usageUpsertsAddUpAndFilter() {
        LocalDate day = LocalDate.of(2026, 11, 23);
        store.addUsage(List.of(new Usage(day, "a", "key_1", "m", 1, 10, 5), new Usage(day, "b", "key_2", "m", 1, 1, 1)));
        store.addUsage(List.of(new Usage(day, "a", "key_1", "m", 2, 20, 10)));
        assertThat(store.usage(Optional.of("a"), Optional.empty()))
                .containsExactly(new Usage(day, "a", "key_1", "m", 3, 30, 15));
        assertThat(store.usage(Optional.empty(), Optional.of("key_2"))).hasSize(1);
        assertThat(store.usage(Optional.empty(), Optional.empty())).hasSize(2);
    }

    @Test
    void concurrentWritersFromThreadsAndSeparateStoresLoseNothing() throws Exception {
        LocalDate day = LocalDate.of(2026, 1, 1);
        JdbcStore second = open();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                JdbcStore target = t % 2 == 0 ? store : second;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 100; i++) {
                        target.addUsage(List.of(new Usage(day, "t", "key_x", "m", 1, 3, 2)));
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
            second.close();
        }
        assertThat(store.usage(Optional.empty(), Optional.empty()))
                .containsExactly(new Usage(day, "t", "key_x", "m", 800, 2400, 1600));
    }

    @Test
    void reopeningAppliesNoMigrationTwice() {
        store.insertKey(key("key_00000000000000d1", (byte) 1, Optional.empty(), Optional.empty()));
        try (JdbcStore again = open()) {
            assertThat(again.countKeys()).isEqualTo(1);
            assertThat(again.isReachable()).isTrue();
        }
    }
}
