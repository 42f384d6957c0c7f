package dev.bastion.app;

import dev.bastion.guard.eval.ClinicalNotes;
import dev.bastion.guard.pii.PiiMode;
import dev.bastion.guard.pii.PiiScanner;
import dev.bastion.guard.pii.Recognizer;
import dev.bastion.models.progress.Progress;
import dev.bastion.models.progress.ProgressBar;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bastion eval clinical}: span recall per HIPAA Safe Harbor category and character precision of the PII
 * scanner on generated clinical documents ({@link ClinicalNotes}), at the recall threshold (0.25) and the balanced
 * one (0.4). A gold span counts as found when findings of any type cover all its non-blank characters (what
 * de-identification needs); character precision is the share of non-blank characters the scanner flags that lie
 * in a gold span. Names and places (NAME, GEOGRAPHIC) come from the name model, the rest from the pattern
 * recognisers; both pooled figures are printed.
 */
@Command(name = "clinical", description = "Span recall per Safe Harbor category and character precision of the PII "
        + "scanner on generated clinical notes (dev or holdout template set).")
final class ClinicalEval implements Callable<Integer> {
    @Option(names = "--set", defaultValue = "dev", paramLabel = "SET",
            description = "Template set: dev (looked at while building) or holdout (scored at the end).")
    String set;

    @Option(names = "--notes", defaultValue = "400", paramLabel = "N", description = "Notes to generate (default 400).")
    int notes;

    @Option(names = "--seed", defaultValue = "14", paramLabel = "N", description = "Random seed (default 14).")
    long seed;

    @Option(names = "--errors", defaultValue = "0", paramLabel = "N",
            description = "Also print the first N misses and N false positives at the recall threshold.")
    int errors;

    @Option(names = "--case", defaultValue = "as-is", paramLabel = "CASE", description = "Re-case every note before "
            + "scanning: as-is (default), upper or lower; each character is mapped on its own, so gold offsets hold.")
    String recase;

    private static final Set<String> NAME_MODEL = Set.of("NAME", "GEOGRAPHIC");

    @Override
    public Integer call() {
        List<ClinicalNotes.Template> templates;
        try {
            templates = ClinicalNotes.templates(set);
        } catch (IllegalArgumentException e) {
            System.err.println("eval clinical: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        Recasing recasing;
        try {
            recasing = Recasing.parse(recase);
        } catch (IllegalArgumentException e) {
            System.err.println("eval clinical: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        ClinicalNotes generator = new ClinicalNotes(seed);
        List<ClinicalNotes.Note> corpus = new ArrayList<>();
        int changed = 0;
        for (int i = 0; i < notes; i++) {
            ClinicalNotes.Note note = generator.fill(templates.get(i % templates.size()));
            changed += recasing.changedLength(note.text()) ? 1 : 0;
            corpus.add(new ClinicalNotes.Note(note.template(), recasing.apply(note.text()), note.gold()));
        }
        if (recasing != Recasing.AS_IS) {
            System.out.println("case " + recasing.optionName() + ": " + changed + " notes whose full case mapping "
                    + "would change their length (mapped character by character, offsets kept)");
        }
        long chars = corpus.stream().mapToLong(n -> n.text().length()).sum();
        System.out.printf(Locale.ROOT, "set %s: %d templates, %d notes, %d characters, %d gold spans (seed %d)%n", set,
                templates.size(), corpus.size(), chars, corpus.stream().mapToInt(n -> n.gold().size()).sum(), seed);
        for (double threshold : new double[] {0.25, 0.4}) {
            score(corpus, threshold, threshold == 0.25 ? errors : 0);
        }
        return ExitCodes.OK;
    }

    private static void score(List<ClinicalNotes.Note> corpus, double threshold, int errors) {
        // the modes as `bastion scan --pii-mode` builds them: recall (0.25, weak name candidates kept), balanced (0.4)
        PiiScanner scanner = PiiScanner.defaults(threshold < 0.4 ? PiiMode.RECALL : PiiMode.BALANCED);
        Map<String, int[]> recall = new TreeMap<>(); // category -> {found, total}
        Map<String, Long> falseByType = new TreeMap<>();
        Map<String, long[]> byTemplate = new TreeMap<>(); // template -> {found, gold} of all categories
        long flagged = 0;
        long flaggedInGold = 0;
        long patternFlagged = 0;
        long patternInGold = 0;
        List<String> misses = new ArrayList<>();
        List<String> falsePositives = new ArrayList<>();
        Progress progress = ProgressBar.onTerminal("notes");
        progress.start(0, corpus.size());
        long scanned = 0;
        for (ClinicalNotes.Note note : corpus) {
            progress.advance(scanned++);
            String text = note.text();
            List<Recognizer.Candidate> found = scanner.find(text);
            boolean[] predicted = new boolean[text.length()];
            for (Recognizer.Candidate c : found) {
                java.util.Arrays.fill(predicted, c.start(), c.end(), true);
            }
            boolean[] gold = new boolean[text.length()];
            for (ClinicalNotes.Gold g : note.gold()) {
                java.util.Arrays.fill(gold, g.start(), g.end(), true);
                boolean covered = true;
                for (int k = g.start(); k < g.end() && covered; k++) {
                    covered = predicted[k] || Character.isWhitespace(text.charAt(k));
                }
                int[] r = recall.computeIfAbsent(g.category(), k -> new int[2]);
                long[] perTemplate = byTemplate.computeIfAbsent(note.template(), k -> new long[2]);
                r[1]++;
                perTemplate[1]++;
                if (covered) {
                    r[0]++;
                    perTemplate[0]++;
                } else if (misses.size() < errors) {
                    misses.add(String.format(Locale.ROOT, "  miss %-20s %-28s | %s", g.category(),
                            text.substring(g.start(), g.end()), context(text, g.start(), g.end())));
                }
            }
            for (Recognizer.Candidate c : found) {
                long out = 0;
                for (int k = c.start(); k < c.end(); k++) {
                    if (!Character.isWhitespace(text.charAt(k))) {
                        flagged++;
                        boolean pattern = !fromNameModel(c);
                        patternFlagged += pattern ? 1 : 0;
                        if (gold[k]) {
                            flaggedInGold++;
                            patternInGold += pattern ? 1 : 0;
                        } else {
                            out++;
                        }
                    }
                }
                if (out > 0) {
                    falseByType.merge(c.type(), out, Long::sum);
                    if (falsePositives.size() < errors) {
                        falsePositives.add(String.format(Locale.ROOT, "  fp   %-20s %-28s | %s (%s, %.2f)", c.type(),
                                text.substring(c.start(), c.end()), context(text, c.start(), c.end()),
                                c.recognizer(), c.score()));
                    }
                }
            }
        }
        progress.finish(scanned);
        System.out.printf(Locale.ROOT, "%nthreshold %.2f (%s)%n", threshold, threshold < 0.4 ? "recall" : "balanced");
        System.out.printf(Locale.ROOT, "  %-22s %8s %8s %8s%n", "category", "found", "gold", "recall");
        int[] all = new int[2];
        int[] identifiers = new int[2];
        for (Map.Entry<String, int[]> e : recall.entrySet()) {
            int[] r = e.getValue();
            System.out.printf(Locale.ROOT, "  %-22s %8d %8d %8.4f%n", e.getKey(), r[0], r[1], (double) r[0] / r[1]);
            all[0] += r[0];
            all[1] += r[1];
            if (!NAME_MODEL.contains(e.getKey())) {
                identifiers[0] += r[0];
                identifiers[1] += r[1];
            }
        }
        System.out.printf(Locale.ROOT, "  %-22s %8d %8d %8.4f%n", "POOLED (all)", all[0], all[1], (double) all[0] / all[1]);
        System.out.printf(Locale.ROOT, "  %-22s %8d %8d %8.4f%n", "POOLED (no NAME/GEO)", identifiers[0], identifiers[1],
                (double) identifiers[0] / identifiers[1]);
        StringBuilder templates = new StringBuilder();
        byTemplate.forEach((name, r) -> templates.append(String.format(Locale.ROOT, " %s %d/%d", name, r[0], r[1])));
        System.out.println("  span recall by template (all categories):" + templates);
        System.out.printf(Locale.ROOT, "  character precision %.4f (%d of %d flagged non-blank characters in gold)%n",
                flagged == 0 ? 1.0 : (double) flaggedInGold / flagged, flaggedInGold, flagged);
        System.out.printf(Locale.ROOT, "  character precision of pattern findings only (name model's types left out) "
                + "%.4f (%d of %d)%n", patternFlagged == 0 ? 1.0 : (double) patternInGold / patternFlagged, patternInGold,
                patternFlagged);
        System.out.printf(Locale.ROOT, "  characters flagged outside gold, by finding type: %s%n", falseByType);
        long chars = corpus.stream().mapToLong(n -> n.text().length()).sum();
        double[] rounds = new double[3];
        for (int r = 0; r < rounds.length; r++) { // after the scoring pass, which warmed the scanner up
            long t0 = System.nanoTime();
            for (ClinicalNotes.Note note : corpus) {
                scanner.find(note.text());
            }
            rounds[r] = chars / ((System.nanoTime() - t0) / 1e9) / 1e6;
        }
        java.util.Arrays.sort(rounds);
        System.out.printf(Locale.ROOT, "  whole scanner (patterns and name model), 3 rounds after warm-up: median %.3f MB/s, "
                + "best %.3f MB/s (%d chars a round)%n", rounds[1], rounds[2], chars);
        misses.forEach(System.out::println);
        falsePositives.forEach(System.out::println);
    }

    /** Findings of the name model and its rules, which another part of the scanner owns. */
    private static boolean fromNameModel(Recognizer.Candidate c) {
        return c.recognizer().equals("name-model") || NAME_TYPES.contains(c.type());
    }

    private static final Set<String> NAME_TYPES = Set.of("PERSON", "LOCATION", "STREET_ADDRESS", "ORGANIZATION", "NRP",
            "TITLE");

    private static String context(String text, int start, int end) {
        String s = text.substring(Math.max(0, start - 30), start) + "[" + text.substring(start, end) + "]"
                + text.substring(end, Math.min(text.length(), end + 30));
        return s.replace('\n', ' ');
    }
}
