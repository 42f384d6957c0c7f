package dev.bastion.guard.pii;

import java.util.Locale;

/**
 * How eagerly the {@code pii} scanner reports names, places, organisations and addresses. Pattern types (e-mail,
 * cards, IBANs, ...) are validated either way; the modes differ in the thresholds and in which weak candidates
 * count.
 */
public enum PiiMode {
    /**
     * Precision first, for text that still goes to a model: every false positive (a heading pseudonymised as
     * {@code <PERSON_3>}) degrades the answer. Default threshold 0.4; gazetteer-rule names and lone upper-case
     * words the model is unsure of are not reported.
     */
    BALANCED("balanced", 0.4),
    /**
     * Recall first, for de-identification of records: default threshold 0.25, and the weaker candidates
     * (gazetteer-rule names, upper-case names) are reported too.
     */
    RECALL("recall", 0.25);

    private final String configName;
    private final double threshold;

    PiiMode(String configName, double threshold) {
        this.configName = configName;
        this.threshold = threshold;
    }

    /** The name used in configuration and on the command line ({@code balanced}, {@code recall}). */
    public String configName() {
        return configName;
    }

    /** The default score threshold of this mode (per-type thresholds may override it). */
    public double threshold() {
        return threshold;
    }

    /** @throws IllegalArgumentException naming the valid values */
    public static PiiMode fromConfig(String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        for (PiiMode m : values()) {
            if (m.configName.equals(v)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown pii mode '" + value + "'; expected balanced or recall");
    }
}
