import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.guard.injection.GeneratedPrompts;
import dev.bastion.guard.injection.GeneratedTurns;
import dev.bastion.guard.injection.InjectionScanner;
import dev.bastion.guard.injection.TextNormalizer;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Round sixteen: how many texts of the injection sources would reach the embedding stage changed by
 * {@link TextNormalizer#foldDisguised}, the fold {@link InjectionScanner#embeddedPart} applies. Reads every file that
 * {@code sources.tsv} names (commented lines skipped) and checks more than the loader gives: every line of every
 * file, and for JSON files every string value, each whole (a text spanning lines has a disguised word only if one of
 * its lines has one, since a word never spans a line break), and the {@code gen:} generators' texts. Prints the
 * count per file and the total; 0 means every fold of `bench/injection/run.sh` embeds exactly what it embedded before.
 *
 * <pre>
 * java -cp 'app/target/bastion.jar:app/target/lib/*' bench/injection/StageInputs.java SOURCES.tsv EVAL_DIR DATA_DIR
 * </pre>
 */
public final class StageInputs {
    public static void main(String[] args) throws IOException {
        String eval = args[1];
        String data = args[2];
        ObjectMapper json = new ObjectMapper();
        long texts = 0;
        long changed = 0;
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] cols = line.trim().split("\\s+");
            for (int c = 3; c < cols.length; c++) {
                String spec = cols[c].replace("${EVAL}", eval).replace("${DATA}", data);
                int hash = spec.indexOf('#');
                spec = hash >= 0 ? spec.substring(0, hash) : spec;
                for (Path f : expand(spec)) {
                    List<String> units = spec.startsWith("gen:") ? generated(spec) : new ArrayList<>(Files.readAllLines(f));
                    if (!spec.startsWith("gen:") && (f.toString().endsWith(".json") || f.toString().endsWith(".jsonl"))) {
                        List<JsonNode> roots = new ArrayList<>();
                        if (f.toString().endsWith(".json")) {
                            roots.add(json.readTree(f.toFile()));
                        } else {
                            for (String l : Files.readAllLines(f)) {
                                if (!l.isBlank()) {
                                    roots.add(json.readTree(l));
                                }
                            }
                        }
                        for (JsonNode r : roots) {
                            strings(r, units);
                        }
                    }
                    long n = units.stream().filter(StageInputs::changes).count();
                    texts += units.size();
                    changed += n;
                    System.out.printf("%s\t%s\t%d units\t%d changed%n", cols[0], f.getFileName(), units.size(), n);
                }
            }
        }
        System.out.printf("total: %d units read, %d whose embedded part the fold changes%n", texts, changed);
    }

    /** Whether the fold changes the text's embedded part (checked on the whole text: a superset). */
    private static boolean changes(String text) {
        return !TextNormalizer.foldDisguised(text).equals(text)
                || !InjectionScanner.embeddedPart(text).equals(text.substring(0, Math.min(text.length(), 256)));
    }

    private static List<Path> expand(String spec) throws IOException {
        if (spec.startsWith("gen:")) {
            return List.of(Path.of(spec));
        }
        if (!spec.contains("*")) {
            return List.of(Path.of(spec));
        }
        Path dir = Path.of(spec).getParent();
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + spec);
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(m::matches).sorted().toList();
        }
    }

    private static List<String> generated(String spec) {
        return switch (spec) {
            case "gen:benign" -> GeneratedPrompts.benign(600, 42);
            case "gen:security" -> GeneratedPrompts.securityQuestions(600, 42);
            case "gen:roleplay" -> GeneratedPrompts.rolePlay(400, 42);
            case "gen:attacks" -> GeneratedPrompts.attacks(800, 42);
            case "gen:conversation" -> GeneratedTurns.conversation(600, 42);
            default -> throw new IllegalArgumentException("unknown generator " + spec);
        };
    }

    private static void strings(JsonNode n, List<String> out) {
        if (n.isTextual()) {
            out.add(n.asText());
        } else {
            n.forEach(child -> strings(child, out));
        }
    }
}
