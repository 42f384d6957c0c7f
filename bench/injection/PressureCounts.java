import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.guard.injection.CarriedInstructions;
import dev.bastion.guard.injection.GeneratedPrompts;
import dev.bastion.guard.injection.ReaderPressure;
import dev.bastion.guard.injection.TextNormalizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Round twenty (docs/injection-model.md): how often each rule of {@code ReaderPressure} fires on a collection of
 * JSON-lines texts (field {@code text}) or of a generator ({@code gen:benign}, {@code gen:security},
 * {@code gen:roleplay}, {@code gen:attacks}): {@code typed} on the whole text as a user message, {@code data} on its
 * passages as a tool result or pasted document, and the passages whose answer differs without the literal
 * prefilters (must be 0). Prints one line per file.
 *
 * <pre>
 * java -cp 'guard/target/classes:app/target/bastion.jar:app/target/lib/*' bench/injection/PressureCounts.java FILE.jsonl|gen:NAME...
 * </pre>
 */
public final class PressureCounts {
    static final long SEED = Long.getLong("seed", 42);

    public static void main(String[] args) throws IOException {
        ObjectMapper json = new ObjectMapper();
        for (String file : args) {
            int n = 0;
            int typed = 0;
            int data = 0;
            int passages = 0;
            int different = 0;
            List<String> texts = new ArrayList<>();
            switch (file) {
                // Bastion's own generators, as bench/injection/sources.tsv names them (InjectionSources' counts).
                case "gen:benign" -> texts.addAll(GeneratedPrompts.benign(600, SEED));
                case "gen:security" -> texts.addAll(GeneratedPrompts.securityQuestions(600, SEED));
                case "gen:roleplay" -> texts.addAll(GeneratedPrompts.rolePlay(400, SEED));
                case "gen:attacks" -> texts.addAll(GeneratedPrompts.attacks(800, SEED));
                default -> {
                    for (String line : Files.readAllLines(Path.of(file))) {
                        if (!line.isBlank()) {
                            texts.add(json.readTree(line).path("text").asText());
                        }
                    }
                }
            }
            for (String text : texts) {
                if (text.isBlank()) {
                    continue;
                }
                n++;
                String normalized = TextNormalizer.normalize(text).text();
                typed += ReaderPressure.typed(normalized) ? 1 : 0;
                data += ReaderPressure.inData(normalized) ? 1 : 0;
                for (String p : CarriedInstructions.passages(normalized)) {
                    passages++;
                    different += ReaderPressure.inPassage(p) != ReaderPressure.inPassageWithoutPrefilter(p) ? 1 : 0;
                }
            }
            System.out.printf(Locale.ROOT, "%-40s n %6d  typed %4d (%.4f)  data %4d (%.4f)  passages %6d, prefilter"
                    + " different %d%n", file.startsWith("gen:") ? file : Path.of(file).getFileName(), n, typed, (double) typed / Math.max(1, n), data,
                    (double) data / Math.max(1, n), passages, different);
        }
    }
}
