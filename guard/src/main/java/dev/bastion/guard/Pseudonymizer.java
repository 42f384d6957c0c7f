package dev.bastion.guard;

import dev.bastion.guard.pseudonym.PseudonymTable;
import dev.bastion.guard.pseudonym.Restorer;
import dev.bastion.guard.pseudonym.Style;
import dev.bastion.guard.pseudonym.Surrogates;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Replaces sensitive values with consistent surrogates and restores them in answers: the same value gets the same
 * surrogate everywhere its {@link PseudonymTable} reaches (one request, or a whole conversation when the table comes
 * from a {@link dev.bastion.guard.pseudonym.PseudonymVault}).
 *
 * <p>Surrogates are tags ({@code <EMAIL_ADDRESS_1>}) or realistic fakes, as {@link Surrogates} makes them. A new
 * surrogate is never one that {@code avoid} rejects (the caller passes "already occurs in the text"). Restoring
 * follows {@link Restorer}. Instances are not thread-safe: one per request.
 */
public final class Pseudonymizer {
    private static final Surrogates TAGS = Surrogates.of(Style.TAG);

    private final PseudonymTable table;
    private final Surrogates surrogates;
    private final Predicate<String> avoid;

    /** A per-request pseudonymizer with tag surrogates and a fresh table. */
    public Pseudonymizer() {
        this(new PseudonymTable(), TAGS, s -> false);
    }

    /**
     * @param table the mapping to extend and restore from
     * @param surrogates how new surrogates look
     * @param avoid candidate surrogates to refuse
     */
    public Pseudonymizer(PseudonymTable table, Surrogates surrogates, Predicate<String> avoid) {
        this.table = Objects.requireNonNull(table, "table");
        this.surrogates = Objects.requireNonNull(surrogates, "surrogates");
        this.avoid = Objects.requireNonNull(avoid, "avoid");
    }

    /**
     * The usual {@code avoid} predicate: a candidate occurring anywhere in {@code texts}, ignoring case, would be
     * confused with a surrogate by restore.
     */
    public static Predicate<String> occurringIn(List<String> texts) {
        List<String> lower = texts.stream().map(t -> t.toLowerCase(java.util.Locale.ROOT)).toList();
        return candidate -> {
            String c = candidate.toLowerCase(java.util.Locale.ROOT);
            return lower.stream().anyMatch(t -> t.contains(c));
        };
    }

    /** Rewrites the spans of {@code segment} found in {@code findings}. */
    public String pseudonymise(String text, int segment, List<Finding> findings) {
        return Redactor.rewrite(text, segment, findings, f -> surrogate(f.type(), text.substring(f.start(), f.end())));
    }

    /** The surrogate for {@code value} of type {@code type}, the same one each time within this table. */
    public String surrogate(String type, String value) {
        return table.surrogate(type, value, surrogates, avoid);
    }

    /** Whether any value was replaced. */
    public boolean isEmpty() {
        return table.isEmpty();
    }

    /** Whether {@code text} is one of the surrogates handed out (ignoring case). */
    public boolean isSurrogate(String text) {
        return table.isSurrogate(text);
    }

    /** Puts the original values back wherever a surrogate is mentioned in {@code text}. */
    public String restore(String text) {
        return Restorer.restore(table, text, Restorer.Escaping.NONE);
    }

    /** A streaming restorer over the surrogates handed out so far. */
    public Restorer restorer(Restorer.Escaping escaping) {
        return new Restorer(table, escaping);
    }

    /** The table this pseudonymizer extends. */
    public PseudonymTable table() {
        return table;
    }

    /** The longest surrogate. */
    public int longestSurrogate() {
        int longest = 0;
        for (PseudonymTable.Entry e : table.entries()) {
            longest = Math.max(longest, e.surrogate().length());
        }
        return longest;
    }
}
