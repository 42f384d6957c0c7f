import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.guard.injection.CarriedInstructions;
import dev.bastion.guard.injection.ReaderPressure;
import dev.bastion.guard.injection.TextNormalizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Round twenty (docs/injection-model.md): how often each rule of {@code ReaderPressure} fires on a collection of
 * JSON-lines texts (field {@code text}): {@code typed} on the whole text as a user message, {@code data} on its
 * passages as a tool result or pasted document, and the passages whose answer differs without the literal
 * prefilters (must be 0). Prints one line per file.
 *
 * <pre>
 * java -cp 'guard/target/classes:app/target/bastion.jar:app/target/lib/*' bench/injection/PressureCounts.java FILE.jsonl...
 * </pre>
 */
public final class PressureCounts {
    public static void main(String[] args) throws IOException {
        ObjectMapper json = new ObjectMapper();
        for (String file : args) {
            int n = 0;
            int typed = 0;
            int data = 0;
            int passages = 0;
            int different = 0;
            for (String line : Files.readAllLines(Path.of(file))) {
                if (line.isBlank()) {
                    continue;
                }
                String text = json.readTree(line).path("text").asText();
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
                    + " different %d%n", Path.of(file).getFileName(), n, typed, (double) typed / Math.max(1, n), data,
                    (double) data / Math.max(1, n), passages, different);
        }
    }
}
