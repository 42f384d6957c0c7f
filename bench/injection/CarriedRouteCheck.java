import dev.bastion.guard.injection.CarriedInstructions;
import dev.bastion.guard.injection.InjectionModel;
import dev.bastion.guard.injection.InjectionRules;
import dev.bastion.guard.injection.InjectionScanner;
import dev.bastion.guard.injection.QuotedDocuments;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Round eighteen, acceptance 3: what the default route's {@code tool-injection} scanner does to ordinary user
 * messages. It judges only the documents a user pastes between delimiters ({@link QuotedDocuments}); this counts, per
 * file of user messages ({"text": ...} lines), the messages holding such a block and how many of them the content
 * path flags without and with the carried model. The direct scanner is not run: the carried model never judges a
 * user's own words, so its figures are those of the unchanged direct path.
 *
 * <pre>
 * java -cp 'guard/target/classes:app/target/bastion.jar:app/target/lib/*' bench/injection/CarriedRouteCheck.java \
 *     CARRIED_MODEL.tsv FILE.jsonl...
 * </pre>
 */
public final class CarriedRouteCheck {
    public static void main(String[] args) throws IOException {
        CarriedInstructions.Model carried;
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            carried = CarriedInstructions.Model.read(in);
        }
        InjectionModel m = InjectionModel.builtIn();
        double t = m.indirectThreshold(false);
        InjectionScanner without = new InjectionScanner(m, InjectionRules.builtIn(), Optional.empty(), m.threshold(false), t);
        InjectionScanner with = new InjectionScanner(m, InjectionRules.builtIn(), Optional.empty(), m.threshold(false), t,
                Optional.of(carried));
        for (int a = 1; a < args.length; a++) {
            int n = 0;
            int blocks = 0;
            int before = 0;
            int after = 0;
            for (String line : Files.readAllLines(Path.of(args[a]))) {
                if (line.isBlank()) {
                    continue;
                }
                String text = new com.google.gson.Gson().fromJson(line, com.google.gson.JsonObject.class).get("text").getAsString();
                n++;
                List<String> docs = QuotedDocuments.in(text).stream().map(QuotedDocuments.Block::text).toList();
                if (docs.isEmpty()) {
                    continue;
                }
                blocks++;
                boolean b = !without.scanContent(docs).isEmpty();
                boolean c = !with.scanContent(docs).isEmpty();
                before += b ? 1 : 0;
                after += c ? 1 : 0;
                if (b != c) {
                    System.out.printf(Locale.ROOT, "changed: %.4f %s%n", with.scoreCarried(String.join("\n", docs)),
                            text.substring(0, Math.min(100, text.length())).replaceAll("\\s+", " "));
                }
            }
            System.out.printf(Locale.ROOT, "%s: %d messages, %d with a delimited document; flagged by the content path %d"
                    + " without the carried model, %d with it%n", args[a], n, blocks, before, after);
        }
    }
}
