package dev.bastion.app.report;

import dev.bastion.privacy.accounting.Accounting;
import dev.bastion.privacy.accounting.PrivacyEvent;
import dev.bastion.privacy.ledger.Budget;
import dev.bastion.privacy.ledger.LedgerId;
import dev.bastion.privacy.ledger.PrivacyLedger;
import dev.bastion.store.jdbc.JdbcLedgerStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The differential-privacy ledgers in the store at the time of the report, read as the console's privacy page reads
 * them ({@link JdbcLedgerStore#ledgers}, then each ledger's status under {@link Accounting#standard()}): per dataset
 * and privacy unit, the total budget, what has been spent and what is left. Numbers are kept as the ledger prints
 * them ({@link PrivacyLedger#fmt}), so a report holds no floating-point value. Immutable.
 *
 * @param ledgers in dataset, unit order
 * @param more true when there were more than {@value #MAX_LEDGERS} ledgers and the rest were left out
 */
public record LedgerFacts(List<Ledger> ledgers, boolean more) {
    public static final Source SOURCE = new Source(Source.Kind.STORE,
            "privacy_budgets and privacy_charges tables of the store (store.url)");
    /** The most ledgers a report lists. */
    static final int MAX_LEDGERS = 500;

    public LedgerFacts {
        ledgers = List.copyOf(ledgers);
    }

    /**
     * One ledger. Epsilon spent is the tightest accountant's, at the total's delta; delta used is the sum of the
     * approximate-DP charges' deltas. Totals and "left" are empty when no total was set.
     */
    public record Ledger(String dataset, String unit, Optional<String> epsilonTotal, String epsilonSpent,
            Optional<String> epsilonLeft, Optional<String> deltaTotal, String deltaUsed, Optional<String> deltaLeft,
            String accountant, int charges) {
        public Ledger {
            Objects.requireNonNull(dataset, "dataset");
            Objects.requireNonNull(unit, "unit");
            Objects.requireNonNull(epsilonSpent, "epsilonSpent");
            Objects.requireNonNull(deltaUsed, "deltaUsed");
            Objects.requireNonNull(accountant, "accountant");
            if (charges < 0) {
                throw new IllegalArgumentException("charges cannot be negative");
            }
        }

        /** One line of a report: {@code census/row: epsilon 3 budget, 0.5 spent, 2.5 left; delta ...}. */
        public String describe() {
            return dataset + "/" + unit + ": epsilon " + epsilonTotal.map(t -> t + " budget, ").orElse("no budget set, ")
                    + epsilonSpent + " spent" + epsilonLeft.map(l -> ", " + l + " left").orElse("") + "; delta "
                    + deltaTotal.map(t -> t + " budget, ").orElse("") + deltaUsed + " used"
                    + deltaLeft.map(l -> ", " + l + " left").orElse("") + "; " + charges + " charge(s), accountant "
                    + accountant;
        }
    }

    /** Reads every ledger (up to {@value #MAX_LEDGERS}) from the store. Read-only. */
    public static LedgerFacts read(JdbcLedgerStore store, Clock clock) {
        PrivacyLedger reader = new PrivacyLedger(store, Accounting.standard(), clock, (id, charge, after) -> {
            throw new IllegalStateException("a report never charges a ledger");
        });
        List<LedgerId> ids = store.ledgers(0, MAX_LEDGERS + 1);
        List<Ledger> out = new ArrayList<>();
        for (LedgerId id : ids.subList(0, Math.min(ids.size(), MAX_LEDGERS))) {
            PrivacyLedger.Status s = reader.status(id);
            double deltaUsed = s.history().stream().flatMap(c -> c.events().stream())
                    .filter(e -> e instanceof PrivacyEvent.Approximate)
                    .mapToDouble(e -> ((PrivacyEvent.Approximate) e).delta()).sum();
            Optional<Budget> total = s.total();
            out.add(new Ledger(id.dataset(), id.privacyUnit(), total.map(t -> PrivacyLedger.fmt(t.epsilon())),
                    PrivacyLedger.fmt(s.spent().epsilon()), total.map(t -> PrivacyLedger.fmt(s.remainingEpsilon())),
                    total.map(t -> PrivacyLedger.fmt(t.delta())), PrivacyLedger.fmt(deltaUsed),
                    total.map(t -> PrivacyLedger.fmt(Math.max(0, t.delta() - deltaUsed))), s.spent().accountant(),
                    s.history().size()));
        }
        return new LedgerFacts(out, ids.size() > MAX_LEDGERS);
    }
}
