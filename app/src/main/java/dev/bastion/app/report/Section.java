package dev.bastion.app.report;

import java.util.List;
import java.util.Objects;

/**
 * One section of a report: what Bastion's records establish ({@code statements}, each with its sources) and what
 * only the operator can say ({@code toComplete}: the controller's name, the countries a provider processes in, ...).
 * Immutable.
 *
 * @param id a stable identifier, such as {@code art30.recipients} or {@code 164.312(b)}
 * @param title the heading
 */
public record Section(String id, String title, List<Statement> statements, List<String> toComplete) {
    public Section {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        if (!id.matches("[a-z0-9][a-z0-9.()_-]{0,63}")) {
            throw new IllegalArgumentException("a section id is lower-case letters, digits and . ( ) _ -, got '" + id + "'");
        }
        statements = List.copyOf(statements);
        toComplete = List.copyOf(toComplete);
        if (statements.isEmpty() && toComplete.isEmpty()) {
            throw new IllegalArgumentException("section " + id + " says nothing");
        }
        for (String t : toComplete) {
            if (t.isBlank() || t.contains("\n")) {
                throw new IllegalArgumentException("section " + id + ": an item to complete is one non-empty line");
            }
        }
    }

    public Section(String id, String title, List<Statement> statements) {
        this(id, title, statements, List.of());
    }
}
