package dev.bastion.console;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the templates are given: plain values, decided on the server, already limited to what the viewer may see.
 * No view holds a prompt, an answer or a key secret, except {@link KeyCreated}, shown once.
 */
public final class Views {
    private Views() {
    }

    /** The frame of every page: its title, which navigation entry is current, and who is logged in. */
    public record Chrome(String title, String nav, Optional<Viewer> viewer) {
        public Chrome {
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(nav, "nav");
            Objects.requireNonNull(viewer, "viewer");
        }

        public String current(String entry) {
            return nav.equals(entry) ? "page" : "false";
        }
    }

    public record Login(Chrome chrome, String loginCsrf, Optional<String> message) {
    }

    public record Problem(Chrome chrome, int status, String message) {
    }

    /** Links to the previous and next page (empty when there is none), and the page number from 1. */
    public record Pager(int page, Optional<String> previous, Optional<String> next) {
        public Pager {
            if (page < 1) {
                throw new IllegalArgumentException("pages count from 1");
            }
        }
    }

    /**
     * A key's row. Its limits are the ones the gateway enforces for it: its own when set ({@code ownLimits}),
     * otherwise the configured per-key defaults; each is a number per minute or "unlimited".
     */
    public record KeyRow(String id, String label, String role, String tenant, String models, String created,
            String expires, String status, boolean active, String requestsPerMinute, String tokensPerMinute,
            String concurrent, boolean ownLimits) {
    }

    /** A tenant: its keys (active of all), their ids, and the limits all its keys share. */
    public record TenantRow(String tenant, long activeKeys, long keys, List<String> keyIds, String requestsPerMinute,
            String tokensPerMinute, String concurrent) {
        public TenantRow {
            keyIds = List.copyOf(keyIds);
        }
    }

    public record Keys(Chrome chrome, List<KeyRow> rows, List<TenantRow> tenants, Optional<String> notice,
            Optional<String> fixedTenant) {
        public Keys {
            rows = List.copyOf(rows);
            tenants = List.copyOf(tenants);
        }
    }

    /** A key just made: its secret is in this one response and nowhere else. */
    public record KeyCreated(Chrome chrome, String id, String secret, String role, String tenant,
            Optional<String> replaces) {
    }

    public record UsageRow(String day, String tenant, String keyId, String model, long requests, long promptTokens,
            long completionTokens) {
    }

    public record Usage(Chrome chrome, List<UsageRow> rows, Pager pager, long totalRows, String tenant, String key,
            String model, String from, String to, boolean tenantFixed) {
        public Usage {
            rows = List.copyOf(rows);
        }
    }

    public record AuditRow(long index, String time, String type, String what, String keyId, String tenant,
            String decision, String status, String requestId) {
    }

    /** A request's decision record: its shown fields and the plain-language explanation of what happened. */
    public record RequestRecord(Chrome chrome, String requestId, AuditRow row, List<String> explanation) {
        public RequestRecord {
            explanation = List.copyOf(explanation);
        }
    }

    public record Checkpoint(long size, String time, String keyId, String algorithm, String text) {
    }

    public record Audit(Chrome chrome, List<AuditRow> rows, Pager pager, long logSize, Optional<Checkpoint> checkpoint,
            String type, String key) {
        public Audit {
            rows = List.copyOf(rows);
        }
    }

    /** One bar of a server-drawn chart: a label, a count and its width in percent of the largest. */
    public record Bar(String label, long count, int percent) {
    }

    public record Overview(Chrome chrome, boolean ready, long logSize, long activeKeys, long requests, long refused,
            List<Bar> locations, List<Bar> outcomes, int sampled) {
        public Overview {
            locations = List.copyOf(locations);
            outcomes = List.copyOf(outcomes);
        }
    }

    public record PolicyRow(String key, String value, String origin) {
    }

    public record PolicyGroup(String title, List<PolicyRow> rows) {
        public PolicyGroup {
            rows = List.copyOf(rows);
        }
    }

    /** One finding of a dry run: where and what, never the matched text. */
    public record FindingRow(String type, String scanner, String score, int start, int end) {
    }

    public record DryRunResult(String route, String verdict, String detail, List<FindingRow> findings) {
        public DryRunResult {
            findings = List.copyOf(findings);
        }
    }

    public record Policy(Chrome chrome, List<PolicyGroup> groups, List<String> routeNames, Optional<DryRunResult> result) {
        public Policy {
            groups = List.copyOf(groups);
            routeNames = List.copyOf(routeNames);
        }
    }

    /**
     * A model of the registry and its supply-chain state. For a local model file: whether the model-security check
     * admits it, its signature (verified, failed with the problems, or unsigned) and signer, its scan result; for a
     * model served upstream those are "not applicable".
     */
    public record ModelRow(String name, String backend, String location, String file, String admission,
            String admissionDetail, String signature, String signer, String scan, List<String> problems, boolean bom) {
        public ModelRow {
            problems = List.copyOf(problems);
        }
    }

    /** One custody event of a model from the audit log: a scan, signature check, load, pull, sign or BOM. */
    public record CustodyRow(long index, String time, String action, String subject) {
    }

    public record ModelEntry(ModelRow model, List<CustodyRow> custody) {
        public ModelEntry {
            custody = List.copyOf(custody);
        }
    }

    /** @param custodyShown whether custody events are shown (operator viewers; they are admin records) */
    public record Models(Chrome chrome, List<ModelEntry> models, boolean custodyShown) {
        public Models {
            models = List.copyOf(models);
        }
    }

    /**
     * One privacy-budget ledger: its total (ε, δ), ε spent at the total's δ by the tightest accountant and ε left,
     * and the δ taken directly by (ε, δ) events and left for the accountants. Numbers are already formatted.
     */
    public record LedgerRow(String dataset, String unit, String totalEpsilon, String totalDelta, String spentEpsilon,
            String leftEpsilon, String deltaUsed, String deltaLeft, String accountant, long charges, int percent,
            String link) {
    }

    /** One charge of a ledger: its number, time, what was asked (no data) and its privacy events. */
    public record ChargeRow(long sequence, String time, String description, String events) {
    }

    public record Privacy(Chrome chrome, boolean shown, List<LedgerRow> ledgers, Pager pager,
            Optional<LedgerRow> selected, List<ChargeRow> charges, Pager chargePager) {
        public Privacy {
            ledgers = List.copyOf(ledgers);
            charges = List.copyOf(charges);
        }
    }

    /**
     * The live traffic page: the stream's URL with the filters applied, the filters' values and choices.
     *
     * @param tenantFixed whether the viewer is tenant-bound (no tenant filter: it sees its own only)
     * @param buffer events the server holds per stream before dropping the oldest
     */
    public record Live(Chrome chrome, String source, String tenant, String model, String decision, List<String> models,
            List<String> decisions, boolean tenantFixed, int buffer) {
        public Live {
            models = List.copyOf(models);
            decisions = List.copyOf(decisions);
        }
    }
}
