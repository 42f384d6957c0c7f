package dev.bastion.models.pull;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The built-in model catalogue ({@code catalogue.json} beside this class): small, well-known instruct GGUF models
 * by name, each with its published SHA-256. An entry with a missing or malformed field, an unknown field or a
 * duplicate name is an error naming the entry. This class is immutable and thread-safe.
 */
public final class Catalogue {
    private static final String RESOURCE = "catalogue.json";
    private static final Set<String> FIELDS = Set.of("name", "description", "url", "sha256", "size", "licence",
            "architecture", "quantisation", "source");

    private final List<CatalogueEntry> entries;

    private Catalogue(List<CatalogueEntry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** The catalogue shipped in the jar. */
    public static Catalogue builtIn() {
        try (InputStream in = Catalogue.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the model catalogue " + RESOURCE + " is missing from the jar");
            }
            return parse(in, RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model catalogue " + RESOURCE, e);
        }
    }

    /** Parses a catalogue document ({@code {"models": [...]}}); {@code where} names it in error messages. */
    static Catalogue parse(InputStream json, String where) throws IOException {
        JsonNode root = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(json);
        JsonNode models = root == null ? null : root.get("models");
        if (models == null || !models.isArray()) {
            throw new IllegalArgumentException(where + ": a 'models' array is required");
        }
        List<CatalogueEntry> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < models.size(); i++) {
            JsonNode m = models.get(i);
            String at = where + " models[" + i + "]";
            if (!m.isObject()) {
                throw new IllegalArgumentException(at + ": an object is required");
            }
            m.fieldNames().forEachRemaining(f -> {
                if (!FIELDS.contains(f)) {
                    throw new IllegalArgumentException(at + ": unknown field '" + f + "'");
                }
            });
            JsonNode size = m.path("size");
            if (!size.canConvertToExactIntegral()) {
                throw new IllegalArgumentException(at + ": size must be a whole number of bytes");
            }
            CatalogueEntry e;
            try {
                e = new CatalogueEntry(text(m, "name", at), text(m, "description", at),
                        URI.create(text(m, "url", at)), text(m, "sha256", at), size.asLong(), text(m, "licence", at),
                        text(m, "architecture", at), text(m, "quantisation", at), text(m, "source", at));
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException(at + ": " + bad.getMessage(), bad);
            }
            if (!names.add(e.name())) {
                throw new IllegalArgumentException(at + ": the name '" + e.name() + "' appears twice");
            }
            out.add(e);
        }
        return new Catalogue(out);
    }

    private static String text(JsonNode m, String field, String at) {
        JsonNode v = m.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException(at + ": '" + field + "' must be a string");
        }
        return v.asText();
    }

    public List<CatalogueEntry> entries() {
        return entries;
    }

    public Optional<CatalogueEntry> find(String name) {
        return entries.stream().filter(e -> e.name().equals(name)).findFirst();
    }
}
