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

    @Test
    void privacyLedgerKeepsBudgetsAndChargesInOrder() {
        var ledgers = store.ledgers();
        var id = new dev.bastion.privacy.ledger.LedgerId("patients", "patient_id");
        assertThat(ledgers.total(id)).isEmpty();
        ledgers.setTotal(id, new dev.bastion.privacy.ledger.Budget(3, 1e-6));
        ledgers.setTotal(id, new dev.bastion.privacy.ledger.Budget(2, 1e-7));
        assertThat(ledgers.total(id)).contains(new dev.bastion.privacy.ledger.Budget(2, 1e-7));
        var events = List.<dev.bastion.privacy.accounting.PrivacyEvent>of(
                new dev.bastion.privacy.accounting.PrivacyEvent.PureDp(0.25),
                new dev.bastion.privacy.accounting.PrivacyEvent.Gaussian(3.5, true));
        var first = new dev.bastion.privacy.ledger.Charge(0, Instant.ofEpochMilli(1_000), "count(age)", events);
        assertThat(ledgers.append(id, first)).isTrue();
        assertThat(ledgers.append(id, first)).as("the same number twice").isFalse();
        var second = new dev.bastion.privacy.ledger.Charge(1, Instant.ofEpochMilli(2_000), "mean(age)", events);
        assertThat(ledgers.append(id, second)).isTrue();
        assertThat(ledgers.charges(id)).containsExactly(first, second);
        assertThat(ledgers.charges(new dev.bastion.privacy.ledger.LedgerId("patients", "row"))).isEmpty();
    }

    @Test
    void privacyLedgerAdmitsExactlyTheBudgetUnderConcurrentChargesFromTwoStores() throws Exception {
        var id = new dev.bastion.privacy.ledger.LedgerId("claims", "row");
        store.ledgers().setTotal(id, new dev.bastion.privacy.ledger.Budget(1.0, 0));
        try (JdbcStore other = open()) {
            var a = new dev.bastion.privacy.ledger.PrivacyLedger(store.ledgers(),
                    dev.bastion.privacy.accounting.Accounting.standard(), java.time.Clock.systemUTC(), (l, c, s) -> { });
            var b = new dev.bastion.privacy.ledger.PrivacyLedger(other.ledgers(),
                    dev.bastion.privacy.accounting.Accounting.standard(), java.time.Clock.systemUTC(), (l, c, s) -> { });
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<dev.bastion.privacy.ledger.PrivacyLedger.Outcome>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                var ledger = i % 2 == 0 ? a : b;
                results.add(pool.submit(() -> ledger.charge(id, "q", List.of(
                        new dev.bastion.privacy.accounting.PrivacyEvent.PureDp(0.125)))));
            }
            int admitted = 0;
            for (var f : results) {
                if (f.get() instanceof dev.bastion.privacy.ledger.PrivacyLedger.Outcome.Admitted) {
                    admitted++;
                }
            }
            pool.shutdown();
            assertThat(admitted).isEqualTo(8);
            assertThat(store.ledgers().charges(id)).hasSize(8);
        }
    }
}
