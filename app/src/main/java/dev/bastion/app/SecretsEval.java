package dev.bastion.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.bastion.guard.Finding;
import dev.bastion.guard.secrets.SecretsScanner;
import dev.bastion.guard.secrets.TextDecoding;
import dev.bastion.models.progress.Progress;
import dev.bastion.models.progress.ProgressBar;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bastion eval secrets}: recall and precision of the secrets scanner, per source and pooled.
 *
 * <p>Line-level mode ({@code --corpus DIR}, repeatable): DIR holds {@code files/} and {@code labels.tsv} with rows
 * {@code path<TAB>line<TAB>label}, label 1 (a credential starts on that line), 0, {@code skip} (not scored) or {@code cont} (a later
 * line of a multi-line example whose first line is 1: a finding there counts for the example); the other lines
 * of a listed file are 0. A line is flagged when a finding that is not informational starts on it. Files are
 * decoded like {@code bastion scan --secrets} does (UTF-16, Latin-1). {@code --peer NAME=DIR} scores another
 * scanner's hits ({@code DIR/<source>.tsv}, rows {@code path<TAB>line}) against the same labels in the same table.
 * Example mode ({@code --rules-examples DIR}): Nosey Parker style rule files, each example one text.
 */
@Command(name = "secrets", description = "Recall and precision of the secrets scanner: line level over labelled "
        + "corpora (--corpus), or over rule example files (--rules-examples, as in Nosey Parker's rule set).")
final class SecretsEval implements Callable<Integer> {
    @Option(names = "--rules-examples", paramLabel = "DIR", description = "Folder of rule YAML files.")
    Path dir;

    @Option(names = "--per-rule", description = "With --rules-examples: print recall for every rule file.")
    boolean perRule;

    @Option(names = "--corpus", paramLabel = "DIR", description = "A labelled source: DIR/files and DIR/labels.tsv.")
    List<Path> corpora;

    @Option(names = "--peer", paramLabel = "NAME=DIR", description = "Another scanner's line hits, DIR/<source>.tsv.")
    Map<String, Path> peers;

    @Option(names = "--misses", description = "Print path:line of every missed positive and false positive.")
    boolean misses;

    /** Counts of one scanner on one source. */
    record Score(int positives, int found, int flagged) {
        Score plus(Score o) {
            return new Score(positives + o.positives, found + o.found, flagged + o.flagged);
        }

        double recall() {
            return positives == 0 ? 0 : (double) found / positives;
        }

        double precision() {
            return flagged == 0 ? 1 : (double) found / flagged;
        }

        String cells() {
            return String.format("%.3f (%d/%d) | %.3f (%d/%d)", recall(), found, positives, precision(), found, flagged);
        }
    }

    @Override
    public Integer call() throws IOException {
        if (corpora != null && !corpora.isEmpty()) {
            return lineLevel();
        }
        if (dir == null) {
            throw new IllegalArgumentException("give --corpus DIR (line level) or --rules-examples DIR");
        }
        return examples();
    }

    private int lineLevel() throws IOException {
        SecretsScanner scanner = SecretsScanner.builtIn();
        Map<String, Path> peerDirs = peers == null ? Map.of() : new TreeMap<>(peers);
        List<String> scanners = new ArrayList<>(List.of("bastion"));
        scanners.addAll(peerDirs.keySet());
        Map<String, Score> pooled = new LinkedHashMap<>();
        StringBuilder table = new StringBuilder("| source | positives | ");
        scanners.forEach(s -> table.append(s).append(" recall | ").append(s).append(" precision | "));
        table.append("\n|---|---|").append("---|---|".repeat(scanners.size())).append('\n');
        long bytes = 0;
        long nanos = 0;
        for (Path corpus : corpora) {
            String source = corpus.getFileName().toString();
            Map<String, Map<Integer, String>> labels = readLabels(corpus.resolve("labels.tsv"));
            Map<String, Set<Integer>> bastionHits = new HashMap<>();
            Progress progress = ProgressBar.onTerminal(source + " files");
            progress.start(0, labels.size());
            for (String file : labels.keySet()) {
                progress.advance(bastionHits.size());
                byte[] raw = Files.readAllBytes(corpus.resolve("files").resolve(file));
                bytes += raw.length;
                long t0 = System.nanoTime();
                Optional<String> text = TextDecoding.decode(raw);
                List<Finding> found = text.map(t -> scanner.scan(List.of(t))).orElse(List.of());
                nanos += System.nanoTime() - t0;
                Set<Integer> lines = new HashSet<>();
                if (text.isPresent()) {
                    int[] starts = lineStarts(text.get());
                    for (Finding f : found) {
                        if (!SecretsScanner.INFORMATIONAL.contains(f.type())) {
                            lines.add(lineOf(starts, f.start()));
                        }
                    }
                }
                bastionHits.put(file, lines);
            }
            progress.finish(bastionHits.size());
            table.append("| ").append(source).append(" | ");
            Score b = score(source, "bastion", labels, bastionHits);
            table.append(b.positives()).append(" | ").append(b.cells().replace(" | ", " | ")).append(" | ");
            pooled.merge("bastion", b, Score::plus);
            for (Map.Entry<String, Path> peer : peerDirs.entrySet()) {
                Path hitsFile = peer.getValue().resolve(source + ".tsv");
                Map<String, Set<Integer>> hits = Files.exists(hitsFile) ? readHits(hitsFile) : Map.of();
                Score p = score(source, peer.getKey(), labels, hits);
                table.append(p.cells()).append(" | ");
                pooled.merge(peer.getKey(), p, Score::plus);
            }
            table.append('\n');
        }
        table.append("| pooled | ").append(pooled.get("bastion").positives()).append(" | ");
        scanners.forEach(s -> table.append(pooled.get(s).cells()).append(" | "));
        System.out.println(table.toString().strip());
        System.out.printf("bastion scanned %.2f MB in %.0f ms (%.1f MB/s, decoding included), %d rules%n",
                bytes / 1e6, nanos / 1e6, bytes / 1e6 / Math.max(nanos / 1e9, 1e-9), scanner.rules().size());
        return ExitCodes.OK;
    }

    private Score score(String source, String who, Map<String, Map<Integer, String>> labels,
            Map<String, Set<Integer>> hits) {
        int positives = 0;
        int found = 0;
        int flagged = 0;
        for (Map.Entry<String, Map<Integer, String>> file : labels.entrySet()) {
            Set<Integer> lines = new HashSet<>();
            for (int line : hits.getOrDefault(file.getKey(), Set.of())) {
                int at = line;
                while (file.getValue().getOrDefault(at, "0").equals("cont")) {
                    at--; // a continuation line counts for the example that starts above it
                }
                lines.add(at);
            }
            for (Map.Entry<Integer, String> row : file.getValue().entrySet()) {
                if (row.getValue().equals("1")) {
                    positives++;
                    if (lines.contains(row.getKey())) {
                        found++;
                    } else if (misses) {
                        System.out.printf("miss %s %s %s:%d%n", who, source, file.getKey(), row.getKey());
                    }
                }
            }
            for (int line : lines) {
                String label = file.getValue().getOrDefault(line, "0");
                if (!label.equals("skip")) {
                    flagged++;
                }
                if (label.equals("0") && misses) {
                    System.out.printf("false-positive %s %s %s:%d%n", who, source, file.getKey(), line);
                }
            }
        }
        return new Score(positives, found, flagged);
    }

    static Map<String, Map<Integer, String>> readLabels(Path file) throws IOException {
        Map<String, Map<Integer, String>> labels = new TreeMap<>();
        int n = 0;
        for (String line : Files.readAllLines(file)) {
            n++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] cols = line.split("\t");
            if (cols.length != 3 || !Set.of("0", "1", "skip", "cont").contains(cols[2])) {
                throw new IllegalArgumentException(file + ":" + n + ": expected path<TAB>line<TAB>0|1|skip|cont");
            }
            labels.computeIfAbsent(cols[0], k -> new TreeMap<>()).put(Integer.parseInt(cols[1]), cols[2]);
        }
        return labels;
    }

    static Map<String, Set<Integer>> readHits(Path file) throws IOException {
        Map<String, Set<Integer>> hits = new HashMap<>();
        for (String line : Files.readAllLines(file)) {
            String[] cols = line.split("\t");
            if (cols.length == 2) {
                hits.computeIfAbsent(cols[0], k -> new HashSet<>()).add(Integer.parseInt(cols[1].strip()));
            }
        }
        return hits;
    }

    static int[] lineStarts(String text) {
        int[] starts = new int[16];
        int n = 1;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                if (n == starts.length) {
                    starts = Arrays.copyOf(starts, n * 2);
                }
                starts[n++] = i + 1;
            }
        }
        return Arrays.copyOf(starts, n);
    }

    /** 1-based line of a UTF-16 offset. */
    static int lineOf(int[] starts, int offset) {
        int i = Arrays.binarySearch(starts, offset);
        return (i >= 0 ? i : -i - 2) + 1;
    }

    private int examples() throws IOException {
        SecretsScanner scanner = SecretsScanner.builtIn();
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        Map<String, int[]> byFile = new TreeMap<>();
        int[] total = new int[4];
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).sorted().toList();
        }
        for (Path file : files) {
            JsonNode root = yaml.readTree(file.toFile());
            int[] counts = new int[4];
            for (JsonNode rule : root.path("rules")) {
                for (JsonNode example : rule.path("examples")) {
                    counts[0]++;
                    counts[1] += flags(scanner, example.asText()) ? 1 : 0;
                }
                for (JsonNode negative : rule.path("negative_examples")) {
                    counts[2]++;
                    counts[3] += flags(scanner, negative.asText()) ? 1 : 0;
                }
            }
            byFile.put(dir.relativize(file).toString(), counts);
            for (int i = 0; i < 4; i++) {
                total[i] += counts[i];
            }
        }
        if (perRule) {
            byFile.forEach((name, c) -> System.out.printf("%-40s positives %3d/%-3d negatives flagged %d/%d%n",
                    name, c[1], c[0], c[3], c[2]));
        }
        System.out.printf("files %d, rules %d in Bastion%n", files.size(), scanner.rules().size());
        System.out.printf("recall %.3f (%d of %d positive examples found)%n", ratio(total[1], total[0]), total[1], total[0]);
        System.out.printf("negatives flagged %.3f (%d of %d)%n", ratio(total[3], total[2]), total[3], total[2]);
        return ExitCodes.OK;
    }

    private static boolean flags(SecretsScanner scanner, String text) {
        return scanner.scan(List.of(text)).stream().anyMatch(f -> !SecretsScanner.INFORMATIONAL.contains(f.type()));
    }

    private static double ratio(int a, int b) {
        return b == 0 ? 0 : (double) a / b;
    }
}
