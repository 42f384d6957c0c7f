package dev.bastion.app.report;

import dev.bastion.gateway.config.GatewayConfig;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Everything a report may say, gathered once from the running configuration and the data directory (never from a
 * prompt or an answer: the audit log holds none): the effective settings by config key, the audit counts under a
 * signed checkpoint, the key store and its privacy ledgers, the local models' ML-BOMs, and a saved red-team run. Each report kind turns these into sections. Immutable.
 *
 * @param config the effective configuration
 * @param settings every effective setting by its dotted key, as {@code bastion config show} prints it (secrets as
 *     references only)
 * @param ledgers the differential-privacy ledgers in the store; empty when there is no store
 * @param boms the ML-BOM facts of each configured local model with a path
 * @param version the Bastion version that made the report
 */
public record ReportFacts(GatewayConfig config, SortedMap<String, String> settings, Coverage coverage,
        AuditCounts counts, Optional<KeyFacts> keys, Optional<RedteamFacts> redteam, Optional<LedgerFacts> ledgers,
        java.util.List<ModelBomFacts> boms, String version) {
    public ReportFacts {
        Objects.requireNonNull(config, "config");
        settings = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(settings));
        Objects.requireNonNull(coverage, "coverage");
        Objects.requireNonNull(counts, "counts");
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(redteam, "redteam");
        Objects.requireNonNull(ledgers, "ledgers");
        boms = java.util.List.copyOf(boms);
        Objects.requireNonNull(version, "version");
    }

    /** The value of a config key, as printed; a key the configuration lacks is a bug in a report kind. */
    public String setting(String key) {
        String v = settings.get(key);
        if (v == null) {
            throw new IllegalArgumentException("no config key " + key);
        }
        return v;
    }

    public Source audit() {
        return coverage.auditSource();
    }
}
