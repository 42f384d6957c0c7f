package dev.bastion.console;

import dev.bastion.privacy.accounting.Accounting;
import dev.bastion.privacy.accounting.PrivacyEvent;
import dev.bastion.privacy.ledger.Budget;
import dev.bastion.privacy.ledger.Charge;
import dev.bastion.privacy.ledger.LedgerId;
import dev.bastion.privacy.ledger.PrivacyLedger;
import dev.bastion.store.jdbc.JdbcLedgerStore;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Privacy budgets: every differential-privacy ledger in the store (one per dataset and privacy unit, as {@code
 * bastion dp} keeps them) with ε and δ spent and left, composed by the same accountants as the command line
 * ({@link Accounting#standard()}), and a chosen ledger's charges, newest first, paged in the database. Ledgers are
 * operator-wide (no tenant), so tenant-bound viewers do not see them. Read-only.
 */
final class PrivacyPage {
    static final int PAGE_SIZE = 50;

    private final Html html;
    private final JdbcLedgerStore store;
    private final PrivacyLedger ledger;

    PrivacyPage(Html html, JdbcLedgerStore store, Clock clock) {
        this.html = html;
        this.store = store;
        this.ledger = new PrivacyLedger(store, Accounting.standard(), clock, (id, charge, after) -> {
            throw new IllegalStateException("the console never charges a ledger");
        });
    }

    void show(WebCall call, Viewer viewer) {
        Views.Chrome chrome = new Views.Chrome("Privacy budgets", "privacy", Optional.of(viewer));
        Views.Pager none = new Views.Pager(1, Optional.empty(), Optional.empty());
        if (viewer.tenantScope().isPresent()) {
            call.html(200, html.render("privacy.jte", new Views.Privacy(chrome, false, List.of(), none, Optional.empty(),
                    List.of(), none)));
            return;
        }
        Optional<LedgerId> chosen = call.query("dataset").flatMap(d -> call.query("unit").map(u -> new LedgerId(d, u)));
        boolean showCharges = chosen.isPresent();
        int page = showCharges ? 1 : Paging.page(call);
        List<LedgerId> ids = store.ledgers((page - 1L) * PAGE_SIZE, PAGE_SIZE + 1);
        List<Views.LedgerRow> rows = ids.stream().limit(PAGE_SIZE).map(this::row).toList();
        Views.Pager pager = Paging.pager("/privacy", Map.of(), page, ids.size() > PAGE_SIZE);
        Optional<Views.LedgerRow> selected = chosen.map(this::row).filter(r -> r.charges() > 0 || !r.totalEpsilon().isEmpty());
        List<Views.ChargeRow> charges = List.of();
        Views.Pager chargePager = none;
        if (selected.isPresent()) {
            int chargePage = Paging.page(call);
            List<Charge> found = store.chargesNewestFirst(chosen.get(), (chargePage - 1L) * PAGE_SIZE, PAGE_SIZE + 1);
            charges = found.stream().limit(PAGE_SIZE).map(c -> new Views.ChargeRow(c.sequence(), c.at().toString(),
                    c.description(), c.events().stream().map(PrivacyEvent::describe).collect(Collectors.joining(" + "))))
                    .toList();
            Map<String, String> filters = new LinkedHashMap<>();
            filters.put("dataset", chosen.get().dataset());
            filters.put("unit", chosen.get().privacyUnit());
            chargePager = Paging.pager("/privacy", filters, chargePage, found.size() > PAGE_SIZE);
        }
        call.html(200, html.render("privacy.jte", new Views.Privacy(chrome, true, rows, pager, selected, charges,
                chargePager)));
    }

    private Views.LedgerRow row(LedgerId id) {
        PrivacyLedger.Status s = ledger.status(id);
        double deltaUsed = s.history().stream().flatMap(c -> c.events().stream())
                .filter(e -> e instanceof PrivacyEvent.Approximate).mapToDouble(e -> ((PrivacyEvent.Approximate) e).delta())
                .sum();
        Optional<Budget> total = s.total();
        int percent = total.map(t -> (int) Math.min(100, Math.round(100 * s.spent().epsilon() / t.epsilon()))).orElse(0);
        Map<String, String> q = new LinkedHashMap<>();
        q.put("dataset", id.dataset());
        q.put("unit", id.privacyUnit());
        String link = Paging.link("/privacy", q, 1);
        return new Views.LedgerRow(id.dataset(), id.privacyUnit(),
                total.map(t -> PrivacyLedger.fmt(t.epsilon())).orElse(""),
                total.map(t -> PrivacyLedger.fmt(t.delta())).orElse(""),
                PrivacyLedger.fmt(s.spent().epsilon()),
                total.map(t -> PrivacyLedger.fmt(s.remainingEpsilon())).orElse("no total set"),
                PrivacyLedger.fmt(deltaUsed),
                total.map(t -> PrivacyLedger.fmt(Math.max(0, t.delta() - deltaUsed))).orElse(""),
                s.spent().accountant(), s.history().size(), percent, link);
    }
}
