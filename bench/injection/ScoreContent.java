import dev.bastion.guard.injection.InjectionModel;
import dev.bastion.guard.injection.InjectionRules;
import dev.bastion.guard.injection.InjectionScanner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Round fifteen: scores the texts of JSON-lines files ({"text": ...} per line) with an injection model's content path
 * ({@code InjectionScanner.scoreContent}, the path of {@code role: tool} results and pasted documents) at the model's
 * own content threshold, and prints each text's score and the share flagged per file. Used once on a source before
 * any change (its unseen figure) and never to choose anything.
 *
 * <pre>
 * java -cp 'app/target/bastion.jar:app/target/lib/*' bench/injection/ScoreContent.java MODEL.bin.gz|built-in FILE.jsonl...
 * </pre>
 */
public final class ScoreContent {
    public static void main(String[] args) throws IOException {
        InjectionModel model;
        if (args[0].equals("built-in")) {
            model = InjectionModel.builtIn();
        } else {
            try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
                model = InjectionModel.read(in);
            }
        }
        double threshold = model.indirectThreshold(false);
        InjectionScanner scanner = new InjectionScanner(model, InjectionRules.builtIn(), Optional.empty(),
                model.threshold(false), threshold);
        System.out.printf(Locale.ROOT, "content threshold %.4f%n", threshold);
        for (int a = 1; a < args.length; a++) {
            int n = 0;
            int flagged = 0;
            for (String line : Files.readAllLines(Path.of(args[a]))) {
                if (line.isBlank()) {
                    continue;
                }
                String text = text(line);
                double s = scanner.scoreContent(text);
                n++;
                flagged += s >= threshold ? 1 : 0;
                System.out.printf(Locale.ROOT, "%.4f %s %s%n", s, s >= threshold ? "FLAG" : "pass",
                        text.substring(0, Math.min(90, text.length())).replaceAll("\\s+", " "));
            }
            System.out.printf(Locale.ROOT, "%s: %d of %d flagged (%.4f)%n", args[a], flagged, n, (double) flagged / n);
        }
    }

    /** The "text" string of one JSON line (the files are written by json.dumps: escapes only, no nesting). */
    static String text(String line) {
        int at = line.indexOf("\"text\"");
        int i = line.indexOf('"', line.indexOf(':', at) + 1) + 1;
        StringBuilder b = new StringBuilder();
        while (line.charAt(i) != '"') {
            char c = line.charAt(i++);
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char e = line.charAt(i++);
            switch (e) {
                case 'n' -> b.append('\n');
                case 't' -> b.append('\t');
                case 'r' -> b.append('\r');
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'u' -> {
                    b.append((char) Integer.parseInt(line.substring(i, i + 4), 16));
                    i += 4;
                }
                default -> b.append(e);
            }
        }
        return b.toString();
    }
}
