import dev.bastion.guard.injection.InjectionModel;
import dev.bastion.guard.injection.InjectionRules;
import dev.bastion.guard.injection.InjectionScanner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Round fourteen, post hoc: leave-one-source-out figures of a {@code --scores-out} file (merged by merge-folds.py)
 * with the answer-form cap of {@code InjectionScanner} applied to every held-out text. The cap only lowers a score
 * to 0.5, below every fold threshold, so a capped text is counted as not flagged, and nothing else changes. The
 * rule is run by the scanner's own code ({@link InjectionScanner#formOnlyMessage}) over the stored text (the
 * first 160 characters, runs of white space folded; the rule never caps a longer text).
 *
 * <pre>
 * java -cp 'app/target/bastion.jar:app/target/lib/*' bench/injection/FormCap.java SCORES [COLUMN...]
 * </pre>
 * COLUMN: the 0-based column of a flag (4 the stage's declared rule or the lexical model's in a lexical run, 6 the
 * lexical model, 7-9 the printed alternative rules), or columns joined by {@code &}: flagged only if all of them are
 * (4&6: the stage as a veto on the lexical flag), with {@code <150} for the veto on texts of under 150 characters
 * only (4&6<150, round thirteen's andrule.py); a part {@code COL>=T} compares a score column (3 the stage's, 5 the
 * lexical model's) with one threshold T for every fold ({@code 3>=0.95&6<150}: a route's operating point with the
 * shipped veto, round fifteen); default 4 6 9.
 */
public final class FormCap {
    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        List<String> cols = new ArrayList<>(List.of(args).subList(1, args.length));
        if (cols.isEmpty()) {
            cols = List.of("4", "6", "9");
        }
        InjectionModel m = InjectionModel.builtIn();
        InjectionScanner scanner = new InjectionScanner(m, InjectionRules.builtIn(), Optional.empty(), 0.5, 0.5);
        List<String[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] c = line.split("\t", -1);
            if (c.length >= 11 && (c[1].equals("attack") || c[1].equals("benign") || c[1].equals("document"))) {
                rows.add(c);
            }
        }
        boolean[] capped = new boolean[rows.size()];
        int cappedAttacks = 0;
        int cappedBenign = 0;
        for (int i = 0; i < rows.size(); i++) {
            String[] c = rows.get(i);
            capped[i] = c[10].length() < 160 && scanner.formOnlyMessage(c[10]);
            if (capped[i]) {
                if (c[1].equals("attack")) {
                    cappedAttacks++;
                } else {
                    cappedBenign++;
                }
            }
        }
        System.out.printf(Locale.ROOT, "%d held-out direct texts (%s); the cap applies to %d attacks and %d benign%n",
                rows.size(), file, cappedAttacks, cappedBenign);
        for (String col : cols) {
            for (boolean withCap : new boolean[] {false, true}) {
                int tp = 0;
                int p = 0;
                int fp = 0;
                int n = 0;
                int lost = 0;
                int saved = 0;
                Map<String, int[]> fam = new TreeMap<>();
                for (int i = 0; i < rows.size(); i++) {
                    String[] c = rows.get(i);
                    // "A&B<150": the veto only on stored texts of under 150 characters (andrule.py's reading);
                    // a longer text keeps column A's flag.
                    String spec = col.endsWith("<150") ? col.substring(0, col.length() - 4) : col;
                    String[] parts = spec.split("&");
                    boolean raw = flag(c, parts[0]);
                    if (!col.endsWith("<150") || c[10].length() < 150) {
                        for (String part : parts) {
                            raw &= flag(c, part);
                        }
                    }
                    boolean f = raw && !(withCap && capped[i]);
                    if (c[1].equals("attack")) {
                        p++;
                        tp += f ? 1 : 0;
                        lost += raw && !f ? 1 : 0;
                    } else {
                        n++;
                        fp += f ? 1 : 0;
                        saved += raw && !f ? 1 : 0;
                        int[] x = fam.computeIfAbsent(c[2], k -> new int[2]);
                        x[0]++;
                        x[1] += f ? 1 : 0;
                    }
                }
                String worst = "";
                double worstRate = -1;
                StringBuilder fams = new StringBuilder();
                for (var e : fam.entrySet()) {
                    double r = (double) e.getValue()[1] / e.getValue()[0];
                    fams.append(String.format(Locale.ROOT, " %s %.4f", e.getKey(), r));
                    if (r > worstRate) {
                        worstRate = r;
                        worst = e.getKey();
                    }
                }
                System.out.printf(Locale.ROOT, "column %s, %s: TPR %.4f (%d of %d) FPR %.4f (%d of %d); worst family %s "
                        + "%.4f; attacks lost %d, benign spared %d%n  families:%s%n", col, withCap ? "with the cap"
                        : "as scored", (double) tp / p, tp, p, (double) fp / n, fp, n, worst, worstRate, lost, saved,
                        fams);
            }
        }
        for (int i = 0; i < rows.size(); i++) {
            String[] c = rows.get(i);
            if (capped[i]) {
                System.out.printf(Locale.ROOT, "capped %s %s flags[4,6,9]=%s%s%s %s%n", c[1], c[0], c[4], c[6], c[9],
                        c[10]);
            }
        }
    }

    /**
     * One part of a column spec: a flag column ("4": flagged at the fold's threshold) or a score column compared with
     * one threshold for every fold ("3>=0.95", round fifteen: a route's {@code injection-threshold}).
     */
    private static boolean flag(String[] c, String part) {
        int at = part.indexOf(">=");
        if (at < 0) {
            return c[Integer.parseInt(part)].equals("1");
        }
        return Double.parseDouble(c[Integer.parseInt(part.substring(0, at))]) >= Double.parseDouble(part.substring(at + 2));
    }
}
