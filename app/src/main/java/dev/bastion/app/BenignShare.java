package dev.bastion.app;

import dev.bastion.guard.pii.PiiScanner;
import dev.bastion.guard.pii.Recognizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The share of characters the {@code pii} scanner flags on ordinary prompts (for {@code bastion eval pii --benign}):
 * every character inside any finding counts once, per source file and pooled, with the share per type. Benign
 * prompt sets hold little or no personal data, so this share is mostly false positives, and each one costs answer
 * quality when the text goes to a model.
 */
final class BenignShare {
    private BenignShare() {
    }

    static void print(PiiScanner scanner, List<PromptSets.Prompt> prompts, int showValues) {
        Map<String, long[]> perSource = new TreeMap<>(); // {characters, flagged, prompts, prompts with a finding}
        Map<String, Long> perType = new TreeMap<>();
        Map<String, Integer> values = new java.util.HashMap<>();
        long total = 0;
        long flagged = 0;
        for (PromptSets.Prompt p : prompts) {
            String text = p.text();
            boolean[] hit = new boolean[text.length()];
            List<Recognizer.Candidate> found = scanner.find(text);
            for (Recognizer.Candidate c : found) {
                long fresh = 0;
                for (int k = c.start(); k < c.end(); k++) {
                    fresh += hit[k] ? 0 : 1;
                    hit[k] = true;
                }
                perType.merge(c.type(), fresh, Long::sum);
                if (showValues > 0) {
                    values.merge(c.type() + "\t" + text.substring(c.start(), c.end()).replace("\n", "\\n"), 1,
                            Integer::sum);
                }
            }
            long f = 0;
            for (boolean b : hit) {
                f += b ? 1 : 0;
            }
            long[] s = perSource.computeIfAbsent(p.source(), k -> new long[4]);
            s[0] += text.length();
            s[1] += f;
            s[2]++;
            s[3] += found.isEmpty() ? 0 : 1;
            total += text.length();
            flagged += f;
        }
        System.out.println("benign text, share of characters flagged (any type):");
        perSource.forEach((source, s) -> System.out.printf(Locale.ROOT,
                "  %-58s %6.2f%%  (%d of %d chars; %d of %d prompts with a finding)%n", source, 100.0 * s[1] / s[0],
                s[1], s[0], s[3], s[2]));
        System.out.printf(Locale.ROOT, "  %-58s %6.2f%%  (%d of %d chars)%n", "ALL BENIGN (pooled)",
                100.0 * flagged / Math.max(1, total), flagged, total);
        final long all = Math.max(1, total);
        System.out.println("  by type: " + String.join(", ", perType.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .map(e -> String.format(Locale.ROOT, "%s %.2f%%", e.getKey(), 100.0 * e.getValue() / all)).toList()));
        if (showValues > 0) {
            List<Map.Entry<String, Integer>> top = new ArrayList<>(values.entrySet());
            top.sort(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
            top.stream().limit(showValues).forEach(e -> System.out.println("  flagged: " + e.getValue() + "\t"
                    + e.getKey()));
        }
    }

}
