package dev.bastion.app.report;

import java.util.Objects;

/**
 * Where a statement in a report comes from, so an auditor can check it: a configuration key, a range of audit
 * records under a signed checkpoint, a saved red-team run (by its SHA-256), the key store, the privacy ledgers in
 * the store, a local model's ML-BOM (by its SHA-256), or a Bastion document that describes a built-in behaviour. This record is immutable.
 *
 * @param kind what sort of evidence
 * @param ref which one: a dotted config key, a record range with its tree head, a file hash, a table, a path
 */
public record Source(Kind kind, String ref) {
    /** The sorts of evidence a report cites. */
    public enum Kind {
        CONFIG("config"), AUDIT("audit"), REDTEAM("redteam"), KEYS("keys"), DOCS("docs"),
        /** Tables of the store other than the keys (the differential-privacy ledgers). */
        STORE("store"),
        /** A local model's files: its ML-BOM by SHA-256. */
        MODEL("model");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public Source {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(ref, "ref");
        if (ref.isBlank() || ref.contains("\n") || ref.contains("`")) {
            throw new IllegalArgumentException("a source reference is one non-empty line without backticks");
        }
    }

    public static Source config(String key) {
        return new Source(Kind.CONFIG, key);
    }

    public static Source docs(String path) {
        return new Source(Kind.DOCS, path);
    }

    /** As printed in a report: {@code config routes[0].retention}. */
    public String describe() {
        return kind.label() + " " + ref;
    }
}
