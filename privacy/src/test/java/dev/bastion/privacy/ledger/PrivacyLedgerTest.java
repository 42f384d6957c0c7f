package dev.bastion.privacy.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.bastion.privacy.accounting.Accounting;
import dev.bastion.privacy.accounting.PrivacyEvent;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class PrivacyLedgerTest {
    private final LedgerId id = new LedgerId("patients", "patient_id");
    private final List<Charge> heard = new ArrayList<>();
    private final InMemoryLedgerStore store = new InMemoryLedgerStore();
    private final PrivacyLedger ledger = new PrivacyLedger(store, Accounting.standard(),
            Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC), (l, c, s) -> heard.add(c));

    @Test
    void withoutATotalEveryChargeIsRefusedWithTheCommandToSetOne() {
        PrivacyLedger.Outcome o = ledger.charge(id, "count", List.of(new PrivacyEvent.PureDp(0.1)));
        assertThat(o).isInstanceOf(PrivacyLedger.Outcome.Refused.class);
        assertThat(((PrivacyLedger.Outcome.Refused) o).reason()).contains("bastion dp budget --dataset patients");
    }

    @Test
    void pureChargesAddUpAndTheOneThatWouldExceedIsRefusedSayingWhatRemains() {
        ledger.setTotal(id, new Budget(1.0, 0));
        assertThat(ledger.charge(id, "q1", List.of(new PrivacyEvent.PureDp(0.4))))
                .isInstanceOf(PrivacyLedger.Outcome.Admitted.class);
        assertThat(ledger.charge(id, "q2", List.of(new PrivacyEvent.PureDp(0.4))))
                .isInstanceOf(PrivacyLedger.Outcome.Admitted.class);
        PrivacyLedger.Outcome third = ledger.charge(id, "q3", List.of(new PrivacyEvent.PureDp(0.4)));
        assertThat(third).isInstanceOf(PrivacyLedger.Outcome.Refused.class);
        assertThat(((PrivacyLedger.Outcome.Refused) third).reason()).contains("0.2 remains");
        PrivacyLedger.Status s = ledger.status(id);
        assertThat(s.spent().epsilon()).isCloseTo(0.8, within(1e-12));
        assertThat(s.history()).extracting(Charge::description).containsExactly("q1", "q2");
        assertThat(heard).hasSize(2);
    }

    @Test
    void manyGaussianChargesAreAccountedTighterThanTheirEpsilonsSummed() {
        // 20 Gaussian queries each calibrated to (0.5, 1e-7): summed epsilons would be 10, RDP/PLD far less.
        ledger.setTotal(id, new Budget(4.0, 1e-5));
        double z = dev.bastion.privacy.dp.DpQuery.builder(dev.bastion.privacy.dp.DpQuery.Kind.COUNT).epsilon(0.5)
                .delta(1e-7).mechanism(dev.bastion.privacy.dp.DpQuery.Mechanism.GAUSSIAN).build().events().stream()
                .map(e -> ((PrivacyEvent.Gaussian) e).noiseMultiplier()).findFirst().orElseThrow();
        for (int i = 0; i < 20; i++) {
            assertThat(ledger.charge(id, "g" + i, List.of(new PrivacyEvent.Gaussian(z, true))))
                    .isInstanceOf(PrivacyLedger.Outcome.Admitted.class);
        }
        PrivacyLedger.Status s = ledger.status(id);
        assertThat(s.spent().epsilon()).isLessThan(4.0);
        assertThat(s.spent().accountant()).isIn("zcdp", "rdp", "pld");
    }

    @Test
    void concurrentChargesNeverOverspend() throws Exception {
        ledger.setTotal(id, new Budget(1.0, 0));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<PrivacyLedger.Outcome>> results = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            results.add(pool.submit(() -> ledger.charge(id, "q", List.of(new PrivacyEvent.PureDp(0.1)))));
        }
        int admitted = 0;
        for (Future<PrivacyLedger.Outcome> f : results) {
            if (f.get() instanceof PrivacyLedger.Outcome.Admitted) {
                admitted++;
            }
        }
        pool.shutdown();
        assertThat(admitted).isEqualTo(10);
        assertThat(ledger.status(id).spent().epsilon()).isLessThanOrEqualTo(1.0 + 1e-9);
    }

    @Test
    void eventsSurviveTheirTextForm() {
        List<PrivacyEvent> events = List.of(new PrivacyEvent.PureDp(0.1), new PrivacyEvent.Gaussian(1.7, true),
                new PrivacyEvent.SubsampledGaussian(0.004, 1.1, 14063), new PrivacyEvent.Approximate(0.5, 1e-9));
        assertThat(EventCodec.decode(EventCodec.encode(events))).isEqualTo(events);
        assertThatThrownBy(() -> EventCodec.decode("pure:x")).hasMessageContaining("malformed");
    }

    @Test
    void budgetsParseFromTheCommandLineForm() {
        assertThat(Budget.parse("3")).isEqualTo(new Budget(3, 0));
        assertThat(Budget.parse("3,1e-6")).isEqualTo(new Budget(3, 1e-6));
        assertThatThrownBy(() -> Budget.parse("three")).hasMessageContaining("EPSILON,DELTA");
        assertThatThrownBy(() -> Budget.parse("-1")).hasMessageContaining("positive");
    }
}
