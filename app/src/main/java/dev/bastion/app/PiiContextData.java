package dev.bastion.app;

import dev.bastion.guard.pii.ContextTraining.Labelled;
import dev.bastion.guard.pii.ContextTraining.Span;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Readers for the public annotated corpora of the contextual PII stage, mapped to our types (read by path, never
 * copied into the repository; sources, licences and hashes in docs/pii-context-model.md):
 * <ul>
 *   <li>GUM (amir-zeldes/gum, {@code dep/*.conllu}): one document per paragraph; a proper-noun token (NNP, NNPS)
 *   inside a {@code person}, {@code place} or {@code organization} mention (the innermost one) is PERSON, LOCATION
 *   or ORGANIZATION; a connecting word (of, the, and, &amp;, de) between two tokens of the same mention and type takes
 *   their type. Only the genres given are read (those whose text licence allows commercial use).</li>
 *   <li>WNUT-17 (leondz/emerging_entities_17, CoNLL, one tweet per block): person as PERSON, location as LOCATION,
 *   corporation and group as ORGANIZATION; product and creative-work are O.</li>
 * </ul>
 */
final class PiiContextData {
    private PiiContextData() {
    }

    private static final Map<String, String> GUM_TYPES = Map.of("person", "PERSON", "place", "LOCATION",
            "organization", "ORGANIZATION");
    private static final Set<String> JOINERS = Set.of("of", "the", "and", "&", "de", "du", "la", "von", "van", "-");
    private static final Map<String, String> WNUT_TYPES = Map.of("person", "PERSON", "location", "LOCATION",
            "corporation", "ORGANIZATION", "group", "ORGANIZATION");

    /** Paragraphs of the GUM files in {@code dir} whose genre (GUM_genre_name.conllu) is in {@code genres}. */
    static List<Labelled> gum(Path dir, Set<String> genres) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> {
                String[] parts = p.getFileName().toString().split("_");
                return parts.length > 2 && genres.contains(parts[1]) && p.toString().endsWith(".conllu");
            }).sorted().toList();
        }
        List<Labelled> out = new ArrayList<>();
        for (Path f : files) {
            gumFile(Files.readAllLines(f, StandardCharsets.UTF_8), out);
        }
        return out;
    }

    private static void gumFile(List<String> lines, List<Labelled> out) {
        StringBuilder text = new StringBuilder();
        List<String> words = new ArrayList<>();
        List<int[]> at = new ArrayList<>();      // {start, end}
        List<String> type = new ArrayList<>();   // our type or null
        List<Integer> mention = new ArrayList<>();
        java.util.ArrayDeque<String[]> open = new java.util.ArrayDeque<>(); // {id, etype}
        boolean space = true;
        int serial = 0;
        for (String line : lines) {
            if (line.startsWith("# newpar") && !line.startsWith("# newpar_")) {
                flush(text, words, at, type, mention, out);
                space = true;
                continue;
            }
            if (line.isBlank()) {
                space = true;
                continue;
            }
            if (line.startsWith("#")) {
                continue;
            }
            String[] c = line.split("\t");
            if (c.length < 10 || c[0].contains("-") || c[0].contains(".")) {
                continue;
            }
            if (!text.isEmpty() && space) {
                text.append(' ');
            }
            int start = text.length();
            text.append(c[1]);
            String misc = c[9];
            String entity = null;
            for (String kv : misc.split("\\|")) {
                if (kv.startsWith("Entity=")) {
                    entity = kv.substring(7);
                }
            }
            List<String> closeAfter = new ArrayList<>();
            if (entity != null) {
                int i = 0;
                while (i < entity.length()) {
                    char ch = entity.charAt(i);
                    if (ch == '(') {
                        int j = i + 1;
                        while (j < entity.length() && entity.charAt(j) != '(' && entity.charAt(j) != ')') {
                            j++;
                        }
                        String[] d = entity.substring(i + 1, j).split("-");
                        open.push(new String[] {d[0], d.length > 1 ? d[1] : "", String.valueOf(serial++)});
                        if (j < entity.length() && entity.charAt(j) == ')') {
                            closeAfter.add(d[0]);
                            j++;
                        }
                        i = j;
                    } else if (Character.isDigit(ch)) {
                        int j = i;
                        while (j < entity.length() && Character.isDigit(entity.charAt(j))) {
                            j++;
                        }
                        closeAfter.add(entity.substring(i, j));
                        i = j + 1; // the ')'
                    } else {
                        i++;
                    }
                }
            }
            String[] inner = open.peek();
            boolean proper = c[4].equals("NNP") || c[4].equals("NNPS");
            String ours = inner == null ? null : GUM_TYPES.get(inner[1]);
            words.add(c[1]);
            at.add(new int[] {start, text.length()});
            type.add(proper ? ours : null);
            mention.add(inner == null ? -1 : Integer.parseInt(inner[2]));
            if (!proper && ours != null && JOINERS.contains(c[1].toLowerCase(java.util.Locale.ROOT))) {
                type.set(type.size() - 1, "?" + ours); // a joiner: decided when the next token is known
            }
            for (String id : closeAfter) {
                for (var it = open.iterator(); it.hasNext(); ) {
                    if (it.next()[0].equals(id)) {
                        it.remove();
                        break;
                    }
                }
            }
            space = !misc.contains("SpaceAfter=No");
        }
        flush(text, words, at, type, mention, out);
    }

    private static void flush(StringBuilder text, List<String> words, List<int[]> at, List<String> type,
            List<Integer> mention, List<Labelled> out) {
        int n = words.size();
        for (int i = 0; i < n; i++) {
            String t = type.get(i);
            if (t != null && t.startsWith("?")) {
                String real = t.substring(1);
                boolean joins = i > 0 && i + 1 < n && real.equals(type.get(i - 1)) && real.equals(type.get(i + 1))
                        && mention.get(i).equals(mention.get(i - 1)) && mention.get(i).equals(mention.get(i + 1));
                type.set(i, joins ? real : null);
            }
        }
        List<Span> spans = new ArrayList<>();
        for (int i = 0; i < n; ) {
            String t = type.get(i);
            if (t == null) {
                i++;
                continue;
            }
            int j = i;
            while (j + 1 < n && t.equals(type.get(j + 1)) && mention.get(j + 1).equals(mention.get(i))) {
                j++;
            }
            spans.add(new Span(t, at.get(i)[0], at.get(j)[1]));
            i = j + 1;
        }
        if (!text.isEmpty()) {
            out.add(new Labelled(text.toString(), spans));
        }
        text.setLength(0);
        words.clear();
        at.clear();
        type.clear();
        mention.clear();
    }

    /** Tweets of the WNUT-17 CoNLL files (token TAB tag, a blank line between tweets). */
    static List<Labelled> wnut(List<Path> files) throws IOException {
        List<Labelled> out = new ArrayList<>();
        for (Path f : files) {
            StringBuilder text = new StringBuilder();
            List<Span> spans = new ArrayList<>();
            int[] open = null;
            String openType = null;
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                String[] c = line.split("\t");
                if (line.isBlank() || c.length < 2) {
                    if (open != null) {
                        spans.add(new Span(openType, open[0], open[1]));
                        open = null;
                    }
                    if (!text.isEmpty()) {
                        out.add(new Labelled(text.toString(), spans));
                    }
                    text.setLength(0);
                    spans = new ArrayList<>();
                    continue;
                }
                if (!text.isEmpty()) {
                    text.append(' ');
                }
                int s = text.length();
                text.append(c[0]);
                String tag = c[c.length - 1].strip();
                String ours = tag.length() > 2 ? WNUT_TYPES.get(tag.substring(2)) : null;
                if (open != null && (ours == null || tag.startsWith("B-") || !ours.equals(openType))) {
                    spans.add(new Span(openType, open[0], open[1]));
                    open = null;
                }
                if (ours != null) {
                    if (open == null) {
                        open = new int[] {s, text.length()};
                        openType = ours;
                    } else {
                        open[1] = text.length();
                    }
                }
            }
            if (open != null) {
                spans.add(new Span(openType, open[0], open[1]));
            }
            if (!text.isEmpty()) {
                out.add(new Labelled(text.toString(), spans));
            }
        }
        return out;
    }
}
