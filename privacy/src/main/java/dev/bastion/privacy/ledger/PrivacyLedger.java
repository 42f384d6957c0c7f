package dev.bastion.privacy.ledger;

import dev.bastion.privacy.accounting.Accounting;
import dev.bastion.privacy.accounting.PrivacyEvent;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The privacy-budget ledger: a use of the data is admitted only if the composition of everything already charged
 * plus the new events stays within the ledger's total (ε, δ), computed by the tightest accountant that applies
 * ({@link Accounting}). The check happens before the query runs and the charge is recorded before the caller may
 * run it, so a crash after charging over-counts (safe) and never under-counts. Thread-safe when its store is.
 */
public final class PrivacyLedger {

    /** What happened to a charge. */
    public sealed interface Outcome {
        /** Charged: the caller may now run the query. */
        record Admitted(Charge charge, Status after) implements Outcome {
        }

        /** Not charged: the reason says what remains. */
        record Refused(String reason, Status current) implements Outcome {
        }
    }

    /** A ledger's state: its total, what has been spent by the tightest accountant, and the history. */
    public record Status(LedgerId ledger, Optional<Budget> total, Accounting.Spent spent, List<Charge> history) {
        public Status {
            history = List.copyOf(history);
        }

        /** ε still available at the total's δ (0 when no total is set). */
        public double remainingEpsilon() {
            return total.map(t -> Math.max(0, t.epsilon() - spent.epsilon())).orElse(0.0);
        }
    }

    /** Told about every admitted charge (the audit log). */
    @FunctionalInterface
    public interface Listener {
        void charged(LedgerId ledger, Charge charge, Status after);
    }

    private static final int MAX_RETRIES = 20;
    private final LedgerStore store;
    private final Accounting accounting;
    private final Clock clock;
    private final Listener listener;

    public PrivacyLedger(LedgerStore store, Accounting accounting, Clock clock, Listener listener) {
        this.store = store;
        this.accounting = accounting;
        this.clock = clock;
        this.listener = listener;
    }

    public void setTotal(LedgerId ledger, Budget budget) {
        store.setTotal(ledger, budget);
    }

    public Status status(LedgerId ledger) {
        return status(ledger, store.total(ledger), store.charges(ledger));
    }

    /** Admits and records {@code events} against the ledger, or refuses them saying what remains. */
    public Outcome charge(LedgerId ledger, String description, List<PrivacyEvent> events) {
        if (events.isEmpty()) {
            throw new IllegalArgumentException("a charge needs at least one privacy event");
        }
        for (int attempt = 0; attempt < MAX_RETRIES; attempt++) {
            Optional<Budget> total = store.total(ledger);
            List<Charge> history = store.charges(ledger);
            Status current = status(ledger, total, history);
            if (total.isEmpty()) {
                return new Outcome.Refused("no budget is set for " + ledger + "; set one with `bastion dp budget "
                        + "--dataset " + ledger.dataset() + " --set-total EPSILON[,DELTA]`", current);
            }
            List<PrivacyEvent> all = new ArrayList<>();
            history.forEach(c -> all.addAll(c.events()));
            all.addAll(events);
            Accounting.Spent after = accounting.spent(all, total.get().delta());
            if (after.epsilon() > total.get().epsilon() * (1 + 1e-12)) {
                return new Outcome.Refused("this would bring " + ledger + " to epsilon " + fmt(after.epsilon())
                        + " of its total " + fmt(total.get().epsilon()) + " (at delta " + fmt(total.get().delta())
                        + ", " + after.accountant() + " accounting); " + fmt(current.remainingEpsilon())
                        + " remains and this query needs more", current);
            }
            Charge charge = new Charge(history.size(), clock.instant(), description, events);
            if (store.append(ledger, charge)) {
                List<Charge> newHistory = new ArrayList<>(history);
                newHistory.add(charge);
                Status status = new Status(ledger, total, after, newHistory);
                listener.charged(ledger, charge, status);
                return new Outcome.Admitted(charge, status);
            }
            // Someone else charged this ledger meanwhile: check again against the longer history.
        }
        throw new IllegalStateException("the ledger " + ledger + " kept changing while charging; try again");
    }

    /** A number with four significant digits and no trailing zeros. */
    public static String fmt(double v) {
        if (Double.isInfinite(v)) {
            return "infinity";
        }
        return String.format(Locale.ROOT, "%.4g", v).replaceAll("\\.?0+(?=e|$)", "");
    }

    private Status status(LedgerId ledger, Optional<Budget> total, List<Charge> history) {
        List<PrivacyEvent> all = new ArrayList<>();
        history.forEach(c -> all.addAll(c.events()));
        double delta = total.map(Budget::delta).orElse(0.0);
        return new Status(ledger, total, accounting.spent(all, delta), history);
    }
}
