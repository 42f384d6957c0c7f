package dev.bastion.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.privacy.accounting.Accounting;
import dev.bastion.privacy.accounting.PrivacyEvent;
import dev.bastion.privacy.ledger.Budget;
import dev.bastion.privacy.ledger.Charge;
import dev.bastion.privacy.ledger.LedgerId;
import dev.bastion.privacy.ledger.LedgerStore;
import dev.bastion.privacy.ledger.PrivacyLedger;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** What the store's privacy {@link LedgerStore} does; run on SQLite and PostgreSQL. */
abstract class LedgerStoreContract extends DatabaseTestBase {
    @Test
    void ledgersKeepBudgetsAndChargesInOrder() {
        LedgerStore ledgers = new JdbcLedgerStore(db);
        LedgerId id = new LedgerId("patients", "patient_id");
        assertThat(ledgers.total(id)).isEmpty();
        ledgers.setTotal(id, new Budget(3, 1e-6));
        ledgers.setTotal(id, new Budget(2, 1e-7));
        assertThat(ledgers.total(id)).contains(new Budget(2, 1e-7));
        List<PrivacyEvent> events = List.of(new PrivacyEvent.PureDp(0.25), new PrivacyEvent.Gaussian(3.5, true));
        Charge first = new Charge(0, Instant.ofEpochMilli(1_000), "count(age)", events);
        assertThat(ledgers.append(id, first)).isTrue();
        assertThat(ledgers.append(id, first)).as("the same number twice").isFalse();
        Charge second = new Charge(1, Instant.ofEpochMilli(2_000), "mean(age)", events);
        assertThat(ledgers.append(id, second)).isTrue();
        assertThat(ledgers.charges(id)).containsExactly(first, second);
        assertThat(ledgers.charges(new LedgerId("patients", "row"))).isEmpty();
    }

    @Test
    void ledgersAreListedByDatasetAndChargesArePagedNewestFirst() {
        JdbcLedgerStore ledgers = new JdbcLedgerStore(db);
        LedgerId budgetOnly = new LedgerId("b-set", LedgerId.ROW);
        LedgerId charged = new LedgerId("a-charged", "person");
        ledgers.setTotal(budgetOnly, new Budget(1, 0));
        for (int i = 0; i < 7; i++) {
            assertThat(ledgers.append(charged, new Charge(i, Instant.ofEpochMilli(1000 + i), "q" + i,
                    List.of(new PrivacyEvent.PureDp(0.1))))).isTrue();
        }
        assertThat(ledgers.ledgers(0, 10)).containsExactly(charged, budgetOnly);
        assertThat(ledgers.ledgers(1, 10)).containsExactly(budgetOnly);
        assertThat(ledgers.chargesNewestFirst(charged, 0, 3)).extracting(Charge::sequence).containsExactly(6L, 5L, 4L);
        assertThat(ledgers.chargesNewestFirst(charged, 6, 3)).extracting(Charge::sequence).containsExactly(0L);
        assertThat(ledgers.chargesNewestFirst(budgetOnly, 0, 3)).isEmpty();
    }

    @Test
    void exactlyTheBudgetIsAdmittedUnderConcurrentChargesFromTwoConnections() throws Exception {
        LedgerId id = new LedgerId("claims", "row");
        new JdbcLedgerStore(db).setTotal(id, new Budget(1.0, 0));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (Database other = databases.open()) {
            PrivacyLedger a = new PrivacyLedger(new JdbcLedgerStore(db), Accounting.standard(), Clock.systemUTC(), (l, c, s) -> { });
            PrivacyLedger b = new PrivacyLedger(new JdbcLedgerStore(other), Accounting.standard(), Clock.systemUTC(), (l, c, s) -> { });
            List<Future<PrivacyLedger.Outcome>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                PrivacyLedger ledger = i % 2 == 0 ? a : b;
                results.add(pool.submit(() -> ledger.charge(id, "q", List.of(new PrivacyEvent.PureDp(0.125)))));
            }
            int admitted = 0;
            for (Future<PrivacyLedger.Outcome> f : results) {
                if (f.get() instanceof PrivacyLedger.Outcome.Admitted) {
                    admitted++;
                }
            }
            assertThat(admitted).isEqualTo(8);
        } finally {
            pool.shutdown();
        }
        assertThat(new JdbcLedgerStore(db).charges(id)).hasSize(8);
    }
}
