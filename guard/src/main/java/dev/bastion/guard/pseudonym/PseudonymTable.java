package dev.bastion.guard.pseudonym;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The mapping of one scope (a conversation, or a file given to {@code bastion redact}): each original value of a type
 * has exactly one surrogate, and no two values share a surrogate, even ignoring case (restore matches surrogates
 * case-insensitively). Surrogates are numbered per type in order of first appearance.
 *
 * <p>The table holds original values in memory; at rest it exists only sealed by a {@link PseudonymVault} or an
 * encrypted vault file. Not thread-safe: one request or command uses it at a time.
 */
public final class PseudonymTable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ATTEMPTS = 32;

    /** One value and its surrogate. */
    public record Entry(String type, String value, String surrogate) {
        public Entry {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(surrogate, "surrogate");
            if (!type.matches("[A-Z][A-Z0-9_]*") || value.isEmpty() || surrogate.isEmpty()) {
                throw new IllegalArgumentException("a pseudonym entry needs an UPPER_SNAKE type, a value and a surrogate");
            }
        }

        @Override
        public String toString() {
            return "Entry[" + type + " -> " + surrogate + "]"; // never the value
        }
    }

    private final List<Entry> entries = new ArrayList<>();
    private final Map<String, Entry> byValue = new HashMap<>();
    private final Map<String, Entry> bySurrogate = new HashMap<>();
    private final Map<String, Integer> counters = new HashMap<>();
    private boolean changed;

    /** An empty table. */
    public PseudonymTable() {
    }

    /** The entry for {@code value} of {@code type}, if it has one. */
    public Optional<Entry> find(String type, String value) {
        return Optional.ofNullable(byValue.get(type + '\u0000' + value));
    }

    /**
     * The surrogate of {@code value}: its existing one, or a new one from {@code surrogates} that is not yet used in
     * this table (ignoring case), differs from the value, and that {@code avoid} does not reject (for example because
     * it already occurs in the text being rewritten, where restore would mistake it for a surrogate). For a tag,
     * {@code avoid} is asked about its bare form ({@code PERSON_1}) too, which restore also recognises.
     */
    public String surrogate(String type, String value, Surrogates surrogates, Predicate<String> avoid) {
        Optional<Entry> known = find(type, value);
        if (known.isPresent()) {
            return known.get().surrogate();
        }
        int n = counters.getOrDefault(type, 0) + 1;
        String chosen = null;
        for (int attempt = 0; attempt < ATTEMPTS && chosen == null; attempt++) {
            String candidate = surrogates.candidate(type, value, n, attempt);
            if (usable(candidate, value, avoid)) {
                chosen = candidate;
            }
        }
        while (chosen == null) { // the tag form with a higher number is always free eventually
            String candidate = Surrogates.tag(type, n);
            if (usable(candidate, value, avoid)) {
                chosen = candidate;
            } else {
                n++;
            }
        }
        add(new Entry(type, value, chosen));
        return chosen;
    }

    private boolean usable(String candidate, String value, Predicate<String> avoid) {
        boolean tag = candidate.startsWith("<") && candidate.endsWith(">");
        return !candidate.equalsIgnoreCase(value) && !bySurrogate.containsKey(candidate.toLowerCase(Locale.ROOT))
                && !avoid.test(candidate) && !(tag && avoid.test(candidate.substring(1, candidate.length() - 1)));
    }

    private void add(Entry e) {
        entries.add(e);
        byValue.put(e.type() + '\u0000' + e.value(), e);
        bySurrogate.put(e.surrogate().toLowerCase(Locale.ROOT), e);
        int count = counters.merge(e.type(), 1, Integer::sum);
        String prefix = "<" + e.type() + "_";
        String s = e.surrogate();
        if (s.startsWith(prefix) && s.endsWith(">") && s.substring(prefix.length(), s.length() - 1).matches("\\d{1,9}")) {
            counters.put(e.type(), Math.max(count, Integer.parseInt(s.substring(prefix.length(), s.length() - 1))));
        }
        changed = true;
    }

    /** Whether {@code text} is one of this table's surrogates (ignoring case). */
    public boolean isSurrogate(String text) {
        return bySurrogate.containsKey(text.toLowerCase(Locale.ROOT));
    }

    /** The entries in order of creation. */
    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Whether entries were added since this table was created or read. */
    public boolean changed() {
        return changed;
    }

    /** The table as JSON bytes, to be sealed; never log or store them unsealed. */
    public byte[] toBytes() {
        ObjectNode root = JSON.createObjectNode();
        root.put("v", 1);
        ArrayNode list = root.putArray("entries");
        for (Entry e : entries) {
            list.addArray().add(e.type()).add(e.value()).add(e.surrogate());
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise a pseudonym table", e);
        }
    }

    /**
     * Reads what {@link #toBytes()} wrote.
     *
     * @throws IllegalArgumentException when the bytes are not a version 1 table
     */
    public static PseudonymTable fromBytes(byte[] bytes) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a pseudonym table (invalid JSON)");
        }
        if (root == null || root.path("v").asInt(0) != 1 || !root.path("entries").isArray()) {
            throw new IllegalArgumentException("not a version 1 pseudonym table");
        }
        PseudonymTable table = new PseudonymTable();
        for (JsonNode e : root.get("entries")) {
            if (!e.isArray() || e.size() != 3) {
                throw new IllegalArgumentException("a pseudonym table entry must be [type, value, surrogate]");
            }
            Entry entry = new Entry(e.get(0).asText(), e.get(1).asText(), e.get(2).asText());
            if (table.bySurrogate.containsKey(entry.surrogate().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("a pseudonym table lists one surrogate twice");
            }
            table.add(entry);
        }
        table.changed = false;
        return table;
    }
}
