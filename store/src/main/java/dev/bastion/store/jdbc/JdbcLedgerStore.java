package dev.bastion.store.jdbc;

import dev.bastion.privacy.ledger.Budget;
import dev.bastion.privacy.ledger.Charge;
import dev.bastion.privacy.ledger.EventCodec;
import dev.bastion.privacy.ledger.LedgerId;
import dev.bastion.privacy.ledger.LedgerStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The privacy-budget ledgers in Bastion's store (tables from migration V4), behind privacy's own
 * {@link LedgerStore} contract: privacy owns the interface and stays free of SQL; the store implements it. A
 * charge's number is part of the primary key, so of two processes appending the same number exactly one
 * succeeds. Thread-safe.
 */
public final class JdbcLedgerStore implements LedgerStore {
    private final Database store;

    public JdbcLedgerStore(Database store) {
        this.store = java.util.Objects.requireNonNull(store, "store");
    }

    @Override
    public Optional<Budget> total(LedgerId ledger) {
        return store.run("read a privacy budget", c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT epsilon, delta FROM privacy_budgets WHERE dataset = ? AND privacy_unit = ?")) {
                p.setString(1, ledger.dataset());
                p.setString(2, ledger.privacyUnit());
                try (ResultSet r = p.executeQuery()) {
                    return r.next() ? Optional.of(new Budget(r.getDouble(1), r.getDouble(2))) : Optional.empty();
                }
            }
        });
    }

    @Override
    public void setTotal(LedgerId ledger, Budget budget) {
        store.run("set a privacy budget", c -> {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO privacy_budgets (dataset, privacy_unit, "
                    + "epsilon, delta, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (dataset, privacy_unit) DO UPDATE "
                    + "SET epsilon = excluded.epsilon, delta = excluded.delta, updated_at = excluded.updated_at")) {
                p.setString(1, ledger.dataset());
                p.setString(2, ledger.privacyUnit());
                p.setDouble(3, budget.epsilon());
                p.setDouble(4, budget.delta());
                p.setLong(5, System.currentTimeMillis());
                p.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<Charge> charges(LedgerId ledger) {
        return store.run("read privacy charges", c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT seq, charged_at, description, events FROM "
                    + "privacy_charges WHERE dataset = ? AND privacy_unit = ? ORDER BY seq")) {
                p.setString(1, ledger.dataset());
                p.setString(2, ledger.privacyUnit());
                List<Charge> out = new ArrayList<>();
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        out.add(new Charge(r.getLong(1), Instant.ofEpochMilli(r.getLong(2)), r.getString(3),
                                EventCodec.decode(r.getString(4))));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public boolean append(LedgerId ledger, Charge charge) {
        return store.run("record a privacy charge", c -> {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO privacy_charges (dataset, privacy_unit, seq, "
                    + "charged_at, description, events) VALUES (?, ?, ?, ?, ?, ?)")) {
                p.setString(1, ledger.dataset());
                p.setString(2, ledger.privacyUnit());
                p.setLong(3, charge.sequence());
                p.setLong(4, charge.at().toEpochMilli());
                p.setString(5, charge.description());
                p.setString(6, EventCodec.encode(charge.events()));
                p.executeUpdate();
                return true;
            } catch (SQLException e) {
                if (Sql.isUniqueViolation(e)) {
                    return false;
                }
                throw e;
            }
        });
    }

    /** The ledgers with a total or a charge, by dataset and unit; {@code limit} of them after skipping {@code offset}. */
    public List<LedgerId> ledgers(long offset, int limit) {
        return store.run("list privacy ledgers", c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT dataset, privacy_unit FROM (SELECT dataset, "
                    + "privacy_unit FROM privacy_budgets UNION SELECT dataset, privacy_unit FROM privacy_charges) l "
                    + "ORDER BY dataset, privacy_unit LIMIT ? OFFSET ?")) {
                p.setInt(1, limit);
                p.setLong(2, offset);
                List<LedgerId> out = new ArrayList<>();
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        out.add(new LedgerId(r.getString(1), r.getString(2)));
                    }
                }
                return out;
            }
        });
    }

    /** A page of a ledger's charges, newest first: {@code limit} of them after skipping {@code offset}. */
    public List<Charge> chargesNewestFirst(LedgerId ledger, long offset, int limit) {
        return store.run("read privacy charges", c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT seq, charged_at, description, events FROM "
                    + "privacy_charges WHERE dataset = ? AND privacy_unit = ? ORDER BY seq DESC LIMIT ? OFFSET ?")) {
                p.setString(1, ledger.dataset());
                p.setString(2, ledger.privacyUnit());
                p.setInt(3, limit);
                p.setLong(4, offset);
                List<Charge> out = new ArrayList<>();
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        out.add(new Charge(r.getLong(1), Instant.ofEpochMilli(r.getLong(2)), r.getString(3),
                                EventCodec.decode(r.getString(4))));
                    }
                }
                return out;
            }
        });
    }
}
