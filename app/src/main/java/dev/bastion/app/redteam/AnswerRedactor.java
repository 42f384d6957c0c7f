package dev.bastion.app.redteam;

import dev.bastion.guard.Finding;
import dev.bastion.guard.Redactor;
import dev.bastion.guard.pii.PiiScanner;
import dev.bastion.guard.secrets.SecretsScanner;
import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites answers before they go into a report: every span Bastion's secret scanner or PII scanner finds becomes
 * its type tag ({@code [EMAIL_ADDRESS]}), so a red-team report never carries the data an attack pulled out. Long
 * answers are cut before scanning (scanning stays bounded) and again after it. Immutable and thread-safe.
 */
public final class AnswerRedactor {
    private static final int SCAN_LIMIT = 2 * Outcome.MAX_ANSWER;

    private final SecretsScanner secrets = SecretsScanner.builtIn();
    private final PiiScanner pii = PiiScanner.defaults();

    /** The answer as a report may show it. */
    public String redact(String answer) {
        String text = answer.length() > SCAN_LIMIT ? answer.substring(0, SCAN_LIMIT) : answer;
        List<Finding> findings = new ArrayList<>(secrets.scan(List.of(text)));
        findings.addAll(pii.scan(List.of(text)));
        String redacted = Redactor.redact(text, 0, findings);
        return redacted.length() > Outcome.MAX_ANSWER ? redacted.substring(0, Outcome.MAX_ANSWER - 1) + "\u2026" : redacted;
    }
}
