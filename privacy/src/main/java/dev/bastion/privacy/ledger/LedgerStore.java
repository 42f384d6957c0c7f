package dev.bastion.privacy.ledger;

import java.util.List;
import java.util.Optional;

/**
 * Where ledgers live: Bastion's store (SQLite by default, PostgreSQL when configured) implements this; tests use
 * {@link InMemoryLedgerStore}. Charges are append-only and numbered 0, 1, 2, ... per ledger; {@link #append} only
 * succeeds when the number is free, so two processes charging at once cannot both pass the budget check against
 * the same history (optimistic concurrency). Implementations are thread-safe.
 */
public interface LedgerStore {

    Optional<Budget> total(LedgerId ledger);

    void setTotal(LedgerId ledger, Budget budget);

    /** Every charge, in sequence order. */
    List<Charge> charges(LedgerId ledger);

    /** Appends {@code charge} as number {@code charge.sequence()}; false if that number is already taken. */
    boolean append(LedgerId ledger, Charge charge);
}
