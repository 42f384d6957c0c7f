package dev.bastion.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.privacy.dp.Table;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Prompt sets from CSV, JSON, JSONL or text files, for training and evaluating scanners. The text field is
 * {@code --field} when given, else the first of prompt, text, goal, question, input, turns that exists; JSON files
 * may be a list of strings, a list of objects, or an object whose lists of strings are all taken. A path may end
 * with {@code #COLUMN=VALUE} to keep only matching rows (for example {@code xstest_prompts.csv#label=safe}).
 */
final class PromptSets {
    private static final List<String> FIELDS = List.of("prompt", "text", "goal", "question", "input", "turns");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A prompt and the file it came from. */
    record Prompt(String source, String text) {
    }

    private PromptSets() {
    }

    static List<Prompt> read(String spec, String field) throws IOException {
        String filterColumn = null;
        String filterValue = null;
        String pathText = spec;
        int hash = spec.lastIndexOf('#');
        if (hash > 0 && spec.indexOf('=', hash) > hash) {
            pathText = spec.substring(0, hash);
            filterColumn = spec.substring(hash + 1, spec.indexOf('=', hash));
            filterValue = spec.substring(spec.indexOf('=', hash) + 1);
        }
        Path path = Path.of(pathText);
        String source = path.getFileName().toString() + (filterColumn == null ? "" : "#" + filterColumn + "=" + filterValue);
        List<String> texts = new ArrayList<>();
        String name = path.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (name.endsWith(".csv")) {
            Table t = Table.read(path);
            int col = t.index(field != null ? field : FIELDS.stream().filter(t.columns()::contains).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(path + ": no prompt column; use --field")));
            int filter = filterColumn == null ? -1 : t.index(filterColumn);
            for (int r = 0; r < t.size(); r++) {
                if (filter < 0 || t.cell(r, filter).equals(filterValue)) {
                    texts.add(t.cell(r, col));
                }
            }
        } else if (name.endsWith(".jsonl")) {
            for (String line : Files.readAllLines(path)) {
                if (!line.isBlank()) {
                    JsonNode n = JSON.readTree(line);
                    if (filterColumn == null || n.path(filterColumn).asText().equals(filterValue)) {
                        collect(n, field, texts);
                    }
                }
            }
        } else if (name.endsWith(".json")) {
            collect(JSON.readTree(path.toFile()), field, texts);
        } else {
            Files.readAllLines(path).stream().filter(l -> !l.isBlank()).forEach(texts::add);
        }
        List<Prompt> out = new ArrayList<>();
        for (String t : texts) {
            if (!t.isBlank()) {
                out.add(new Prompt(source, t));
            }
        }
        return out;
    }

    private static void collect(JsonNode n, String field, List<String> out) {
        if (n.isTextual()) {
            out.add(n.asText());
        } else if (n.isArray()) {
            n.forEach(e -> collect(e, field, out));
        } else if (n.isObject()) {
            String f = field != null ? field : FIELDS.stream().filter(n::has).findFirst().orElse(null);
            if (f != null && n.has(f)) {
                collect(n.get(f), field, out);
            } else {
                n.properties().forEach(e -> {
                    if (e.getValue().isArray() || e.getValue().isObject()) {
                        collect(e.getValue(), field, out);
                    }
                });
            }
        }
    }
}
