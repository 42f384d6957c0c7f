package dev.bastion.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bastion.gateway.api.Json;
import dev.bastion.guard.pii.PiiScanner;
import java.io.IOException;
import java.nio.file.Path;
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
 * {@code bastion eval pii --data FILE}: precision, recall, F1 and F2 of the PII scanner on presidio-research's JSON
 * format (full_text plus spans with entity_type and positions), per type and overall, token-level (every
 * whitespace-separated token labelled by the span it falls in, as presidio-research scores) and by exact span;
 * plus sentences per second. Gold GPE and STREET_ADDRESS count as LOCATION, and Bastion's URL as DOMAIN_NAME.
 */
@Command(name = "pii", description = "Precision, recall and F2 of the PII scanner on presidio-research JSON data.")
final class PiiEval implements Callable<Integer> {
    /** The gold types the pattern recognisers can find today. */
    static final Set<String> SUPPORTED = Set.of("EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE", "US_SSN",
            "IP_ADDRESS", "DATE_TIME", "DOMAIN_NAME", "AGE");

    @Option(names = "--data", required = true, paramLabel = "FILE")
    Path data;

    @Override
    public Integer call() throws IOException {
        JsonNode root = Json.MAPPER.readTree(data.toFile());
        PiiScanner scanner = PiiScanner.defaults();
        List<String> texts = new ArrayList<>();
        for (JsonNode s : root) {
            texts.add(s.path("full_text").asText());
        }
        for (int i = 0; i < Math.min(200, texts.size()); i++) {
            scanner.find(texts.get(i)); // warm up
        }
        Map<String, long[]> tokens = new TreeMap<>(); // type -> {tp, fp, fn}
        Map<String, long[]> spans = new TreeMap<>();
        long start = System.nanoTime();
        List<List<dev.bastion.guard.pii.Recognizer.Candidate>> predictions = new ArrayList<>();
        for (String t : texts) {
            predictions.add(scanner.find(t));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int i = 0;
        for (JsonNode s : root) {
            String text = texts.get(i);
            var predicted = predictions.get(i++);
            String[] gold = new String[text.length()];
            List<String> goldSpans = new ArrayList<>();
            for (JsonNode span : s.path("spans")) {
                String type = gold(span.path("entity_type").asText());
                int a = span.path("start_position").asInt();
                int b = Math.min(text.length(), span.path("end_position").asInt());
                for (int k = a; k < b; k++) {
                    gold[k] = type;
                }
                goldSpans.add(type + ":" + a + ":" + b);
            }
            String[] pred = new String[text.length()];
            List<String> predSpans = new ArrayList<>();
            for (var c : predicted) {
                String type = predictedType(c.type());
                for (int k = c.start(); k < c.end(); k++) {
                    pred[k] = type;
                }
                predSpans.add(type + ":" + c.start() + ":" + c.end());
            }
            for (int a = 0; a < text.length(); ) {
                if (Character.isWhitespace(text.charAt(a))) {
                    a++;
                    continue;
                }
                int b = a;
                while (b < text.length() && !Character.isWhitespace(text.charAt(b))) {
                    b++;
                }
                String g = label(gold, a, b);
                String p = label(pred, a, b);
                count(tokens, g, p);
                a = b;
            }
            for (String g : goldSpans) {
                String type = g.substring(0, g.indexOf(':'));
                spans.computeIfAbsent(type, k -> new long[3])[predSpans.contains(g) ? 0 : 2]++;
            }
            for (String p : predSpans) {
                if (!goldSpans.contains(p)) {
                    spans.computeIfAbsent(p.substring(0, p.indexOf(':')), k -> new long[3])[1]++;
                }
            }
        }
        System.out.printf(Locale.ROOT, "%d sentences, %.0f sentences/s (%.3f s)%n", texts.size(), texts.size() / seconds,
                seconds);
        System.out.println("token level:      type                    precision  recall     F1      F2    support");
        tokens.forEach((type, c) -> row(type, c));
        row("ALL TYPES", total(tokens, null));
        row("SUPPORTED TYPES", total(tokens, SUPPORTED));
        System.out.println("exact span:");
        spans.forEach((type, c) -> row(type, c));
        row("ALL TYPES", total(spans, null));
        row("SUPPORTED TYPES", total(spans, SUPPORTED));
        return 0;
    }

    private static String gold(String t) {
        return switch (t) {
            case "GPE", "STREET_ADDRESS" -> "LOCATION";
            default -> t;
        };
    }

    private static String predictedType(String t) {
        return t.equals("URL") ? "DOMAIN_NAME" : t;
    }

    /** The entity type covering most of [a, b), or null. */
    private static String label(String[] labels, int a, int b) {
        Map<String, Integer> n = new TreeMap<>();
        for (int k = a; k < b; k++) {
            if (labels[k] != null) {
                n.merge(labels[k], 1, Integer::sum);
            }
        }
        return n.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
    }

    private static void count(Map<String, long[]> m, String g, String p) {
        if (g != null && g.equals(p)) {
            m.computeIfAbsent(g, k -> new long[3])[0]++;
            return;
        }
        if (p != null) {
            m.computeIfAbsent(p, k -> new long[3])[1]++;
        }
        if (g != null) {
            m.computeIfAbsent(g, k -> new long[3])[2]++;
        }
    }

    private static long[] total(Map<String, long[]> m, Set<String> only) {
        long[] t = new long[3];
        m.forEach((type, c) -> {
            if (only == null || only.contains(type)) {
                t[0] += c[0];
                t[1] += c[1];
                t[2] += c[2];
            } else if (only.contains(type) || c[2] == 0) {
                t[1] += only == null ? 0 : c[1]; // predictions of types with no gold at all count against precision
            }
        });
        return t;
    }

    private static void row(String type, long[] c) {
        double p = c[0] + c[1] == 0 ? 0 : (double) c[0] / (c[0] + c[1]);
        double r = c[0] + c[2] == 0 ? 0 : (double) c[0] / (c[0] + c[2]);
        double f1 = p + r == 0 ? 0 : 2 * p * r / (p + r);
        double f2 = p + r == 0 ? 0 : 5 * p * r / (4 * p + r);
        System.out.printf(Locale.ROOT, "  %-34s %8.3f %8.3f %8.3f %8.3f %8d%n", type, p, r, f1, f2, c[0] + c[2]);
    }
}
