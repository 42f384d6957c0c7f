package dev.bastion.app;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.config.GatewayConfig;
import dev.bastion.gateway.server.Gateway;
import dev.bastion.privacy.accounting.Accounting;
import dev.bastion.privacy.accounting.PrivacyEvent;
import dev.bastion.privacy.dp.DpEngine;
import dev.bastion.privacy.dp.DpQuery;
import dev.bastion.privacy.dp.DpRandom;
import dev.bastion.privacy.dp.QueryResult;
import dev.bastion.privacy.dp.Table;
import dev.bastion.privacy.ledger.Budget;
import dev.bastion.privacy.ledger.Charge;
import dev.bastion.privacy.ledger.LedgerId;
import dev.bastion.privacy.ledger.PrivacyLedger;
import dev.bastion.store.jdbc.Database;
import dev.bastion.store.jdbc.JdbcLedgerStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bastion dp query|budget}: differentially private statistics charged to a privacy-budget ledger. */
@Command(name = "dp", description = "Differentially private statistics and privacy budgets.",
        subcommands = {DpCommand.Query.class, DpCommand.BudgetCommand.class})
final class DpCommand {

    /** Runs {@code action} with the ledger in the configured store; charges are audited. */
    static <T> T withLedger(CommonOptions common, Function<PrivacyLedger, T> action) {
        GatewayConfig config = common.load(Map.of()).config();
        Gateway.createPrivateDirectory(config.dataDir());
        try (Database store = config.store().open(config.dataDir(), System.getenv())) {
            PrivacyLedger ledger = new PrivacyLedger(new JdbcLedgerStore(store), Accounting.standard(), Clock.systemUTC(),
                    (id, charge, after) -> CliAudit.record(config, "dp.charge", id.dataset() + "/" + id.privacyUnit()
                            + "#" + charge.sequence() + " " + describe(charge.events()) + " spent="
                            + PrivacyLedger.fmt(after.spent().epsilon()) + " (" + after.spent().accountant() + ")"));
            return action.apply(ledger);
        }
    }

    static String describe(List<PrivacyEvent> events) {
        return events.stream().map(PrivacyEvent::describe).collect(Collectors.joining(" + "));
    }

    static String status(PrivacyLedger.Status s) {
        return s.total().map(t -> String.format(Locale.ROOT, "ledger %s: spent epsilon %s of %s at delta %s (%s); "
                + "%s remains", s.ledger(), PrivacyLedger.fmt(s.spent().epsilon()), PrivacyLedger.fmt(t.epsilon()),
                PrivacyLedger.fmt(t.delta()), s.spent().accountant(), PrivacyLedger.fmt(s.remainingEpsilon())))
                .orElse("ledger " + s.ledger() + ": no total set");
    }

    static ObjectNode statusJson(PrivacyLedger.Status s) {
        ObjectNode out = Output.object();
        out.put("dataset", s.ledger().dataset());
        out.put("privacy_unit", s.ledger().privacyUnit());
        s.total().ifPresentOrElse(t -> out.putObject("total").put("epsilon", t.epsilon()).put("delta", t.delta()),
                () -> out.putNull("total"));
        out.putObject("spent").put("epsilon", s.spent().epsilon()).put("delta", s.spent().delta())
                .put("accountant", s.spent().accountant());
        if (s.total().isPresent()) {
            out.put("remaining_epsilon", s.remainingEpsilon());
        } else {
            out.putNull("remaining_epsilon");
        }
        ArrayNode history = out.putArray("history");
        for (Charge c : s.history()) {
            history.addObject().put("sequence", c.sequence()).put("at", c.at().toString())
                    .put("description", c.description()).put("events", describe(c.events()));
        }
        return out;
    }

    @Command(name = "query", description = "Answer one aggregate with differential privacy, with a confidence "
            + "interval; --dataset charges that ledger first and refuses the query if it would exceed the budget.")
    static final class Query implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Option(names = "--data", required = true, paramLabel = "FILE.csv", description = "CSV with a header row.")
        Path data;

        @Option(names = "--query", required = true, description = "count, sum, mean, variance, quantile or histogram.")
        String query;

        @Option(names = "--column", description = "The column aggregated (not needed for count).")
        String column;

        @Option(names = "--group-by", paramLabel = "COLUMN", description = "One result per group found in the data "
                + "(needs --delta; groups too rare to release privately are suppressed).")
        String groupBy;

        @Option(names = "--privacy-unit", paramLabel = "COLUMN", description = "Column identifying a person "
                + "(default: each row is a person).")
        String privacyUnit;

        @Option(names = "--max-contributions", defaultValue = "1", paramLabel = "K",
                description = "Rows kept per person (per group when grouped); default ${DEFAULT-VALUE}.")
        int maxContributions;

        @Option(names = "--max-partitions", defaultValue = "1", paramLabel = "P",
                description = "Groups a person may contribute to; default ${DEFAULT-VALUE}.")
        int maxPartitions;

        @Option(names = "--epsilon", required = true, description = "Privacy parameter epsilon for this query.")
        double epsilon;

        @Option(names = "--delta", defaultValue = "0", description = "Privacy parameter delta (default 0).")
        double delta;

        @Option(names = "--bounds", paramLabel = "LOWER,UPPER", description = "Values are clamped to these bounds "
                + "(sum, mean, variance, quantile, numeric histogram).")
        String bounds;

        @Option(names = "--quantile", defaultValue = "0.5", description = "For --query quantile (default median).")
        double quantile;

        @Option(names = "--bins", defaultValue = "10", description = "Histogram bins over the bounds (default 10).")
        int bins;

        @Option(names = "--categorical", description = "Histogram of the column's values (partition selection).")
        boolean categorical;

        @Option(names = "--mechanism", defaultValue = "laplace", description = "laplace (default) or gaussian.")
        String mechanism;

        @Option(names = "--confidence", defaultValue = "0.95", description = "Confidence of the intervals.")
        double confidence;

        @Option(names = "--dataset", paramLabel = "NAME", description = "Charge this dataset's ledger.")
        String dataset;

        @Mixin
        Output output;

        @Override
        public Integer call() throws Exception {
            boolean json = output.json();
            DpQuery.Builder b = DpQuery.builder(DpQuery.Kind.parse(query)).column(column).groupBy(groupBy)
                    .maxPartitions(maxPartitions).epsilon(epsilon).delta(delta).quantile(quantile).bins(bins)
                    .categorical(categorical).confidence(confidence)
                    .mechanism(DpQuery.Mechanism.valueOf(mechanism.strip().toUpperCase(Locale.ROOT)));
            if (privacyUnit != null) {
                b.privacyUnit(privacyUnit, maxContributions);
            } else if (maxContributions != 1) {
                b.privacyUnit(null, maxContributions);
            }
            if (bounds != null) {
                String[] p = bounds.split(",");
                if (p.length != 2) {
                    throw new IllegalArgumentException("--bounds is LOWER,UPPER, got '" + bounds + "'");
                }
                b.bounds(Double.parseDouble(p[0].strip()), Double.parseDouble(p[1].strip()));
            }
            DpQuery q = b.build();
            Table table = Table.read(data);
            String ledgerLine = "no ledger charged (pass --dataset NAME to account for this query)";
            if (dataset != null) {
                LedgerId id = new LedgerId(dataset, privacyUnit == null ? LedgerId.ROW : privacyUnit);
                PrivacyLedger.Outcome outcome = withLedger(common, l -> l.charge(id, q.describe(), q.events()));
                switch (outcome) {
                    case PrivacyLedger.Outcome.Refused r -> {
                        System.err.println("bastion: refused: " + r.reason());
                        return ExitCodes.REFUSED;
                    }
                    case PrivacyLedger.Outcome.Admitted a -> ledgerLine = status(a.after());
                }
            }
            QueryResult result = DpEngine.run(table, q, DpRandom.secure());
            if (json) {
                ObjectNode out = Output.object();
                out.put("query", result.query());
                ArrayNode rows = out.putArray("rows");
                for (QueryResult.Row r : result.rows()) {
                    ObjectNode row = rows.addObject();
                    row.put("key", r.key());
                    row.put("value", r.value());
                    row.put("lower", r.interval().lower());
                    row.put("upper", r.interval().upper());
                    row.put("confidence", r.interval().confidence());
                }
                out.put("events", describe(result.events()));
                out.put("ledger", ledgerLine);
                Output.print(out);
            } else {
                System.out.println(result.query());
                for (QueryResult.Row r : result.rows()) {
                    System.out.printf(Locale.ROOT, "%s%s  %d%% CI [%s, %s]%n", r.key().isEmpty() ? "" : r.key() + "\t",
                            num(r.value()), Math.round(r.interval().confidence() * 100), num(r.interval().lower()),
                            num(r.interval().upper()));
                }
                if (result.rows().isEmpty()) {
                    System.out.println("(no group is large enough to release)");
                }
                System.out.println("cost: " + describe(result.events()));
                System.out.println(ledgerLine);
            }
            return ExitCodes.OK;
        }

        private static String num(double v) {
            return DpEngine.format(v);
        }
    }

    @Command(name = "budget", description = "Show a dataset's privacy budget, spending and history, or set its total.")
    static final class BudgetCommand implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Option(names = "--dataset", required = true, paramLabel = "NAME")
        String dataset;

        @Option(names = "--privacy-unit", defaultValue = LedgerId.ROW, paramLabel = "COLUMN",
                description = "The privacy unit of this ledger (default: row).")
        String privacyUnit;

        @Option(names = "--set-total", paramLabel = "EPSILON[,DELTA]", description = "Set the total budget.")
        String setTotal;

        @Mixin
        Output output;

        @Override
        public Integer call() {
            boolean json = output.json();
            LedgerId id = new LedgerId(dataset, privacyUnit);
            PrivacyLedger.Status s = withLedger(common, ledger -> {
                if (setTotal != null) {
                    ledger.setTotal(id, Budget.parse(setTotal));
                }
                return ledger.status(id);
            });
            if (setTotal != null) {
                CliAudit.record(common.load(Map.of()).config(), "dp.budget.set", dataset + "/" + privacyUnit + " "
                        + setTotal);
            }
            if (json) {
                Output.print(statusJson(s));
                return ExitCodes.OK;
            }
            System.out.println(status(s));
            for (Charge c : s.history()) {
                System.out.println("  #" + c.sequence() + " " + c.at() + " " + c.description() + ": "
                        + describe(c.events()));
            }
            return ExitCodes.OK;
        }
    }
}
