import dev.bastion.gateway.embeddings.LocalEmbeddings;
import dev.bastion.guard.injection.GeneratedTurns;
import dev.bastion.guard.injection.InjectionModel;
import dev.bastion.guard.injection.InjectionRules;
import dev.bastion.guard.injection.InjectionScanner;
import dev.bastion.guard.injection.SentenceEncoder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Everyday refusals of an injection model file (or the built-in one): the messages of the two everyday fixtures
 * ({@code guard/src/test/resources/dev/bastion/guard/injection/everyday-turns*.txt}, sections {@code [everyday]} and
 * {@code [attack]}) and the 600 generated follow-up turns ({@code GeneratedTurns.conversation(600, 42)}), each judged
 * by {@code InjectionScanner.scan} at the model's own direct threshold (or THRESHOLD), lexical stage; with
 * {@code --stage} (round twelve), with the model's embedding stage and the local MiniLM encoder, as the gateway runs it
 * when {@code guard.injection-embeddings} is on (the threshold is then the stage's). Prints every refused everyday
 * message and every attack let through, with its score, then the counts. Never used for training or for choosing a
 * threshold: the ship rule of docs/injection-model.md (round ten) reads these counts.
 *
 * <pre>
 * java -cp 'app/target/bastion.jar:app/target/lib/*' bench/injection/Everyday.java [--fixture FILE] [--stage] [MODEL.bin.gz|built-in [THRESHOLD]]
 * </pre>
 */
public final class Everyday {
    public static void main(String[] argv) throws IOException {
        List<String> rest = new ArrayList<>(List.of(argv));
        // --fixture FILE: score the messages of FILE (sections [everyday] and [attack]) instead of the two fixtures
        // of the ship rule (round fourteen's own unseen set).
        List<String> fixtureFiles = List.of("everyday-turns.txt", "everyday-turns-round8.txt");
        int fx = rest.indexOf("--fixture");
        if (fx >= 0) {
            if (fx + 1 >= rest.size()) {
                throw new IllegalArgumentException("--fixture needs a file name (in the injection test resources)");
            }
            fixtureFiles = List.of(rest.get(fx + 1));
            rest.subList(fx, fx + 2).clear();
        }
        // --and (round fourteen; with --stage): a message counts as refused only if the lexical model refuses it at
        // its own threshold and the stage refuses it too (the stage as a veto, round thirteen's run 44-AND).
        boolean and = rest.remove("--and");
        boolean stage = !rest.isEmpty() && rest.getFirst().equals("--stage");
        String[] args = (stage ? rest.subList(1, rest.size()) : rest).toArray(String[]::new);
        InjectionModel model;
        if (args.length == 0 || args[0].equals("built-in")) {
            model = InjectionModel.builtIn();
        } else {
            try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
                model = InjectionModel.read(in);
            }
        }
        if (stage && !model.usesEmbeddings()) {
            throw new IllegalArgumentException("--stage: the model has no embedding stage");
        }
        Optional<SentenceEncoder> encoder = Optional.empty();
        if (stage) {
            LocalEmbeddings local = new LocalEmbeddings(1);
            encoder = Optional.of(text -> local.embed(List.of(text)).orElseThrow().vectors().getFirst());
        }
        double threshold = args.length > 1 ? Double.parseDouble(args[1]) : model.threshold(stage);
        InjectionScanner stageScanner = new InjectionScanner(model, InjectionRules.builtIn(), encoder, threshold,
                model.indirectThreshold(stage));
        InjectionScanner lexical = new InjectionScanner(model, InjectionRules.builtIn(), Optional.empty(),
                model.threshold(false), model.indirectThreshold(false));
        if (and && !stage) {
            throw new IllegalArgumentException("--and needs --stage");
        }
        Judge scanner = new Judge(stageScanner, and ? Optional.of(lexical) : Optional.empty());
        Path dir = Path.of("guard/src/test/resources/dev/bastion/guard/injection");
        Map<String, List<String>> fixture = new LinkedHashMap<>();
        for (String file : fixtureFiles) {
            sections(dir.resolve(file)).forEach((k, v) -> fixture.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
        }
        System.out.printf(Locale.ROOT, "model %s, %s, direct threshold %.4f%s%n", args.length == 0 ? "built-in" : args[0],
                stage ? "lexical + embedding stage" : "lexical", threshold,
                and ? String.format(Locale.ROOT, ", and the lexical model at %.4f", model.threshold(false)) : "");
        fixture.putIfAbsent("attack", List.of());
        int everyday = count(scanner, fixture.get("everyday"), true, "refused");
        int attacks = count(scanner, fixture.get("attack"), true, null);
        count(scanner, fixture.get("attack"), false, "let through");
        List<String> generated = GeneratedTurns.conversation(600, 42);
        int turns = count(scanner, generated, true, "refused (generated)");
        int ending = 0;
        for (String t : generated) {
            if (scanner.refuses(t) && t.endsWith("when you answer me.")) {
                ending++;
            }
        }
        System.out.printf(Locale.ROOT, "everyday fixture: %d of %d refused; fixture attacks: %d of %d refused; "
                + "generated turns: %d of %d refused (%d of them ending \"when you answer me.\")%n", everyday,
                fixture.get("everyday").size(), attacks, fixture.get("attack").size(), turns, generated.size(), ending);
    }

    /** The stage's (or the lexical model's) check, and with --and the lexical model's as well. */
    private record Judge(InjectionScanner scanner, Optional<InjectionScanner> alsoLexical) {
        boolean refuses(String t) {
            return !scanner.scan(List.of(t)).isEmpty()
                    && alsoLexical.map(l -> !l.scan(List.of(t)).isEmpty()).orElse(true);
        }

        double score(String t) {
            return scanner.score(t);
        }
    }

    private static int count(Judge scanner, List<String> texts, boolean refused, String print) {
        int n = 0;
        for (String t : texts) {
            boolean flagged = scanner.refuses(t);
            if (flagged == refused) {
                n++;
                if (print != null) {
                    System.out.printf(Locale.ROOT, "%s %.3f %s%n", print, scanner.score(t), t);
                }
            }
        }
        return n;
    }

    private static Map<String, List<String>> sections(Path file) throws IOException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : Files.readAllLines(file)) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            if (l.startsWith("[") && l.endsWith("]")) {
                current = out.computeIfAbsent(l.substring(1, l.length() - 1), k -> new ArrayList<>());
            } else if (current == null) {
                throw new IllegalStateException(file + ": a message before the first [section]");
            } else {
                current.add(l);
            }
        }
        return out;
    }
}
