import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.gateway.embeddings.LocalEmbeddings;
import dev.bastion.guard.injection.InjectionModel;
import dev.bastion.guard.injection.InjectionRules;
import dev.bastion.guard.injection.InjectionScanner;
import dev.bastion.guard.injection.SentenceEncoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Share of an unseen benign collection (JSON lines, field {@code text}; never trained on) that the direct injection
 * scanner flags, as a user message: with the embedding stage and the local MiniLM encoder at the model's stage
 * threshold (as the gateway runs it with {@code guard.injection-embeddings} on), and the lexical model alone at its own
 * threshold. Writes one line per text to OUT (tab-separated: stage score, lexical score, flagged with the stage 0/1,
 * the text with its line breaks shown as {@code \n}) and prints the counts per file. With {@code --threshold T}, the
 * stage's decision is taken at T instead (a route's {@code injection-threshold}).
 *
 * <pre>
 * java -cp 'app/target/bastion.jar:app/target/lib/*' bench/injection/Unseen.java [--model FILE.bin.gz] [--threshold T] OUT FILE.jsonl...
 * </pre>
 */
public final class Unseen {
    public static void main(String[] argv) throws IOException {
        List<String> args = new ArrayList<>(List.of(argv));
        InjectionModel model = InjectionModel.builtIn();
        int m = args.indexOf("--model");
        if (m >= 0) {
            try (InputStream in = Files.newInputStream(Path.of(args.get(m + 1)))) {
                model = InjectionModel.read(in);
            }
            args.subList(m, m + 2).clear();
        }
        double threshold = model.threshold(true);
        int t = args.indexOf("--threshold");
        if (t >= 0) {
            threshold = Double.parseDouble(args.get(t + 1));
            args.subList(t, t + 2).clear();
        }
        if (args.size() < 2) {
            System.err.println("usage: Unseen [--model FILE] [--threshold T] OUT FILE.jsonl...");
            System.exit(2);
        }
        LocalEmbeddings local = new LocalEmbeddings(1);
        SentenceEncoder encoder = text -> local.embed(List.of(text)).orElseThrow().vectors().getFirst();
        InjectionScanner stage = new InjectionScanner(model, InjectionRules.builtIn(), Optional.of(encoder), threshold,
                model.indirectThreshold(true));
        InjectionScanner lexical = new InjectionScanner(model, InjectionRules.builtIn(), Optional.empty(),
                model.threshold(false), model.indirectThreshold(false));
        ObjectMapper json = new ObjectMapper();
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(Path.of(args.getFirst())))) {
            for (String file : args.subList(1, args.size())) {
                int n = 0;
                int flagged = 0;
                int flaggedLexical = 0;
                for (String line : Files.readAllLines(Path.of(file))) {
                    if (line.isBlank()) {
                        continue;
                    }
                    String text = json.readTree(line).path("text").asText();
                    boolean byStage = !stage.scan(List.of(text)).isEmpty();
                    boolean byLexical = !lexical.scan(List.of(text)).isEmpty();
                    n++;
                    flagged += byStage ? 1 : 0;
                    flaggedLexical += byLexical ? 1 : 0;
                    out.printf(Locale.ROOT, "%.4f\t%.4f\t%d\t%s%n", stage.score(text), lexical.score(text),
                            byStage ? 1 : 0, text.replace("\n", "\\n").replace("\t", " "));
                }
                System.out.printf(Locale.ROOT, "%s: %d texts; flagged with the stage at %.4f: %d (%.4f), lexical alone "
                        + "at %.4f: %d (%.4f)%n", file, n, threshold, flagged, (double) flagged / n,
                        model.threshold(false), flaggedLexical, (double) flaggedLexical / n);
            }
        }
    }
}
