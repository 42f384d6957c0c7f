import dev.bastion.guard.injection.InjectionModel;
import dev.bastion.guard.injection.InjectionRules;
import dev.bastion.guard.injection.InjectionScanner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which words push a message's direct score up: for each message (one a line of FILE), the logit of the message minus
 * the logit of the message without one word, for every word; then those differences summed by word over all the
 * messages, largest first. Leaving a word out also changes the norm of the others and, below five words, brings in
 * the short-message cap, so read the sums, not single values. Public API only (the hashed features have no names).
 *
 * <pre>
 * java -cp 'app/target/bastion.jar:app/target/lib/*' bench/injection/Contributions.java MODEL.bin.gz FILE
 * </pre>
 */
public final class Contributions {
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: Contributions MODEL.bin.gz FILE (one message a line)");
            System.exit(2);
        }
        InjectionModel model;
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            model = InjectionModel.read(in);
        }
        InjectionScanner scanner = new InjectionScanner(model, InjectionRules.builtIn(), java.util.Optional.empty(),
                model.threshold(false), model.indirectThreshold(false));
        Map<String, Double> total = new TreeMap<>();
        for (String text : Files.readAllLines(Path.of(args[1]))) {
            if (text.isBlank()) {
                continue;
            }
            double base = logit(scanner.score(text));
            String[] words = text.strip().split("\\s+");
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%.3f %s |", scanner.score(text), text));
            for (int i = 0; i < words.length; i++) {
                List<String> rest = new ArrayList<>(Arrays.asList(words));
                rest.remove(i);
                double d = base - logit(scanner.score(String.join(" ", rest)));
                line.append(String.format(Locale.ROOT, " %s:%+.2f", words[i], d));
                total.merge(words[i].toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}']", ""), d, Double::sum);
            }
            System.out.println(line);
        }
        total.entrySet().stream().sorted((x, y) -> Double.compare(y.getValue(), x.getValue())).limit(25)
                .forEach(e -> System.out.printf(Locale.ROOT, "  %-14s %+.2f%n", e.getKey(), e.getValue()));
    }

    private static double logit(double p) {
        double q = Math.min(Math.max(p, 1e-12), 1 - 1e-12);
        return Math.log(q / (1 - q));
    }
}
