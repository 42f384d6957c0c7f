package dev.bastion.privacy.ledger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A {@link LedgerStore} in memory, for tests and one-off analyses. Thread-safe. */
public final class InMemoryLedgerStore implements LedgerStore {
    private final Map<LedgerId, Budget> totals = new HashMap<>();
    private final Map<LedgerId, List<Charge>> charges = new HashMap<>();

    @Override
    public synchronized Optional<Budget> total(LedgerId ledger) {
        return Optional.ofNullable(totals.get(ledger));
    }

    @Override
    public synchronized void setTotal(LedgerId ledger, Budget budget) {
        totals.put(ledger, budget);
    }

    @Override
    public synchronized List<Charge> charges(LedgerId ledger) {
        return List.copyOf(charges.getOrDefault(ledger, List.of()));
    }

    @Override
    public synchronized boolean append(LedgerId ledger, Charge charge) {
        List<Charge> list = charges.computeIfAbsent(ledger, k -> new ArrayList<>());
        if (charge.sequence() != list.size()) {
            return false;
        }
        list.add(charge);
        return true;
    }
}
