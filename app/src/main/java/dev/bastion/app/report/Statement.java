package dev.bastion.app.report;

import java.util.List;
import java.util.Objects;

/**
 * One sentence of a report with the evidence it rests on; a statement without a source cannot be made. The text is
 * built from configuration values, counts and names Bastion chose, never from a prompt or an answer. Immutable.
 */
public record Statement(String text, List<Source> sources) {
    public Statement {
        Objects.requireNonNull(text, "text");
        if (text.isBlank() || text.contains("\n")) {
            throw new IllegalArgumentException("a statement is one non-empty line");
        }
        sources = List.copyOf(sources);
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("a statement names at least one source: " + text);
        }
    }

    public static Statement of(String text, Source first, Source... more) {
        List<Source> all = new java.util.ArrayList<>();
        all.add(first);
        all.addAll(List.of(more));
        return new Statement(text, all);
    }
}
