package dev.bastion.gateway.config;

import dev.bastion.privacy.fairness.monitor.MonitorSettings;
import dev.bastion.privacy.fairness.monitor.WindowMetric;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * An entry of {@code fairness-monitors}: the live fairness monitors services post decisions and outcomes to
 * ({@code POST /admin/v1/fairness/outcomes}). {@code name}, {@code attributes} and {@code window-size} are required;
 * the rest default as {@code bastion-reference.yaml} documents.
 */
final class FairnessMonitorConfig {
    /** Keys an entry may have. */
    static final Set<String> KEYS = Set.of("name", "attributes", "window-size", "baseline-windows", "bound", "metrics",
            "false-alert-rate", "pending-ttl", "max-pending", "max-groups");

    private FairnessMonitorConfig() {
    }

    static Supplier<MonitorSettings> entry(ConfigMapper c, String at) {
        return () -> {
            MonitorSettings d = MonitorSettings.of("defaults", List.of("group"), 500);
            return new MonitorSettings(c.text(at + ".name"), c.strings(at + ".attributes", List.of()),
                    c.integer(at + ".window-size", 1, Integer.MAX_VALUE),
                    c.has(at + ".baseline-windows") ? c.integer(at + ".baseline-windows", 1, 1000) : d.baselineWindows(),
                    c.has(at + ".bound") ? c.share(at + ".bound") : d.bound(),
                    c.strings(at + ".metrics", d.metrics().stream().map(WindowMetric::configName).toList()).stream()
                            .map(m -> c.parse(at + ".metrics", m, WindowMetric::fromConfig)).toList(),
                    c.has(at + ".false-alert-rate") ? c.share(at + ".false-alert-rate") : d.falseAlertRate(),
                    c.has(at + ".pending-ttl") ? c.duration(at + ".pending-ttl") : d.pendingTtl(),
                    c.has(at + ".max-pending") ? c.integer(at + ".max-pending", 1, Integer.MAX_VALUE) : d.maxPending(),
                    c.has(at + ".max-groups") ? c.integer(at + ".max-groups", 1, Integer.MAX_VALUE) : d.maxGroups());
        };
    }
}
