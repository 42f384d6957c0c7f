package dev.bastion.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.guard.pii.PiiMode;
import dev.bastion.guard.pii.PiiScanner;
import dev.bastion.guard.pii.Recognizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The PII fast stage (balanced, as {@code bastion eval pii} times it) over the sentences of a presidio-research
 * JSON file, two modes:
 *
 * <ul>
 *   <li>{@code speed DATA ROUNDS}: the scanner thread's CPU time per sentence in every round, from the first (the
 *       JIT still compiling) to the last, so a short run's figure and a warm one's can both be read off.</li>
 *   <li>{@code findings DATA OUT}: every candidate of every sentence (type, start, end, score, recogniser), one line
 *       a sentence, for a {@code diff} between two builds (a change meant to be speed-only must give none).</li>
 * </ul>
 *
 * <p>{@code taskset -c 0 java --add-modules jdk.incubator.vector -cp "bench/target/classes:app/target/lib/*"
 * dev.bastion.bench.PiiSentenceBench speed .../data__synth_dataset_v2.json 14}
 */
public final class PiiSentenceBench {
    private PiiSentenceBench() {
    }

    private static volatile Object sink;

    public static void main(String[] args) throws IOException {
        if (args.length != 3 || !(args[0].equals("speed") || args[0].equals("findings"))) {
            System.err.println("usage: PiiSentenceBench speed DATA.json ROUNDS | findings DATA.json OUT.tsv");
            System.exit(2);
        }
        List<String> texts = new ArrayList<>();
        for (JsonNode s : new ObjectMapper().readTree(Path.of(args[1]).toFile())) {
            texts.add(s.path("full_text").asText());
        }
        PiiScanner scanner = PiiScanner.defaults(PiiMode.BALANCED);
        if (args[0].equals("findings")) {
            try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(Path.of(args[2]), StandardCharsets.UTF_8))) {
                for (int i = 0; i < texts.size(); i++) {
                    StringBuilder line = new StringBuilder().append(i);
                    for (Recognizer.Candidate c : scanner.find(texts.get(i))) {
                        line.append('\t').append(c.type()).append(':').append(c.start()).append('-').append(c.end())
                                .append(':').append(c.score()).append(':').append(c.recognizer());
                    }
                    w.println(line);
                }
            }
            System.out.println(texts.size() + " sentences' findings written to " + args[2]);
            return;
        }
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        int rounds = Integer.parseInt(args[2]);
        StringBuilder out = new StringBuilder("thread CPU us per sentence, rounds 1.." + rounds + ":");
        for (int r = 0; r < rounds; r++) {
            long start = cpu.getCurrentThreadCpuTime();
            for (String t : texts) {
                sink = scanner.find(t);
            }
            out.append(String.format(" %.1f", (cpu.getCurrentThreadCpuTime() - start) / 1e3 / texts.size()));
        }
        System.out.println(texts.size() + " sentences; " + out);
    }
}
