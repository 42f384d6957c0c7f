package dev.bastion.models.scan;

import java.util.List;
import java.util.Map;

/**
 * What a model scan saw: each file's format, what each file says about the model (architecture, parameter count,
 * quantisation, licence, when its format records them) and every finding. Safe exactly when nothing is UNSAFE or
 * MALFORMED.
 */
public record ScanReport(String path, Map<String, String> formats, Map<String, Map<String, String>> properties,
        List<ScanFinding> findings) {
    public ScanReport {
        formats = Map.copyOf(formats);
        properties = Map.copyOf(properties);
        findings = List.copyOf(findings);
    }

    public boolean safe() {
        return findings.stream().allMatch(f -> f.severity() == ScanFinding.Severity.NOTE);
    }
}
