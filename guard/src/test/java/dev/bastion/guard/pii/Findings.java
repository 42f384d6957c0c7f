package dev.bastion.guard.pii;

import java.util.List;

/** The texts of what the default scanner of a mode finds, by type: the one helper the PII tests share. */
final class Findings {
    private Findings() {
    }

    /** The texts of the {@code type} findings of {@code PiiScanner.defaults(mode)} in {@code text}, in order. */
    static List<String> found(PiiMode mode, String type, String text) {
        return PiiScanner.defaults(mode).find(text).stream().filter(c -> c.type().equals(type))
                .map(c -> text.substring(c.start(), c.end())).toList();
    }

    /** The PERSON findings' texts. */
    static List<String> people(PiiMode mode, String text) {
        return found(mode, "PERSON", text);
    }
}
