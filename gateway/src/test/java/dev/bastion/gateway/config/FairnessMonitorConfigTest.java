package dev.bastion.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.privacy.fairness.monitor.MonitorSettings;
import dev.bastion.privacy.fairness.monitor.WindowMetric;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FairnessMonitorConfigTest {
    @TempDir
    Path dir;

    private LoadedConfig load(String yaml) throws Exception {
        Files.writeString(dir.resolve("bastion.yaml"), yaml);
        return ConfigLoader.load(Optional.empty(), dir, Map.of(), Map.of(), Path.of("/home/someone"));
    }

    @Test
    void thereAreNoFairnessMonitorsByDefault() throws Exception {
        assertThat(load("{}\n").config().fairnessMonitors()).isEmpty();
    }

    @Test
    void aMonitorNeedsANameAttributesAndAWindowSizeAndDefaultsTheRest() throws Exception {
        LoadedConfig loaded = load("""
                fairness-monitors:
                  - name: credit
                    attributes: [race, sex]
                    window-size: 500
                  - name: hiring
                    attributes: [sex]
                    window-size: 200
                    baseline-windows: 3
                    bound: 0.05
                    metrics: [fpr]
                    false-alert-rate: 0.001
                    pending-ttl: 2d
                    max-pending: 10
                    max-groups: 4
                """);
        List<MonitorSettings> monitors = loaded.config().fairnessMonitors();
        assertThat(monitors.get(0)).isEqualTo(MonitorSettings.of("credit", List.of("race", "sex"), 500));
        assertThat(monitors.get(1)).isEqualTo(new MonitorSettings("hiring", List.of("sex"), 200, 3, 0.05,
                List.of(WindowMetric.FPR), 0.001, Duration.ofDays(2), 10, 4));
        assertThat(ConfigPrinter.print(loaded)).contains("fairness-monitors[1].metrics: [fpr]")
                .contains("fairness-monitors[0].attributes: [race, sex]");
    }

    @Test
    void everyKeyOfAMonitorIsDocumentedInTheReferenceFile() throws Exception {
        String reference;
        try (var in = ConfigLoader.class.getResourceAsStream(ConfigLoader.REFERENCE)) {
            String all = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            reference = all.substring(all.indexOf("# Live fairness monitors"));
        }
        for (String k : ConfigLoader.FAIRNESS_KEYS) {
            assertThat(reference).as("fairness-monitors[]." + k).contains(" " + k + ":");
        }
        assertThat(ConfigPrinter.print(load("{}\n"))).contains("fairness-monitors: (none)");
    }

    @Test
    void anUnknownKeyABadMetricOrATwiceUsedNameIsAStartupErrorNamingIt() throws Exception {
        assertThatThrownBy(() -> load("fairness-monitors:\n  - name: a\n    attributes: [sex]\n    window-size: 500\n"
                + "    prompt-field: text\n")).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .anyMatch(p -> p.contains("fairness-monitors[0].prompt-field") && p.contains("unknown key")));
        assertThatThrownBy(() -> load("fairness-monitors:\n  - name: a\n    attributes: [sex]\n    window-size: 500\n"
                + "    metrics: [accuracy]\n")).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .anyMatch(p -> p.contains("fairness-monitors[0].metrics") && p.contains("accuracy")));
        assertThatThrownBy(() -> load("fairness-monitors:\n  - name: a\n    attributes: [sex]\n    window-size: 500\n"
                + "  - name: a\n    attributes: [sex]\n    window-size: 50\n"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .anyMatch(p -> p.contains("declared twice")));
        assertThatThrownBy(() -> load("fairness-monitors:\n  - name: a\n    attributes: [sex]\n    window-size: 5\n"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .anyMatch(p -> p.contains("fairness-monitors[0]") && p.contains("window-size")));
    }
}
