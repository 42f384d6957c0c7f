package dev.bastion.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.guard.Finding;
import dev.bastion.guard.injection.InjectionScanner;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The direct injection scanner (lexical model, as the default route runs it without the embedding stage), two modes:
 *
 * <ul>
 *   <li>{@code speed [ROUNDS]}: thread CPU nanoseconds per {@code score} call on short user messages (the gateway
 *       bench's 58-character prompt, then the sets of {@link ShortPromptScanBench}), each set warmed up and then
 *       measured in rounds; the median and the lowest round are printed. Run it pinned ({@code taskset -c 0}) and
 *       alternate two builds by classpath.</li>
 *   <li>{@code scores CORPUS OUT}: for each text of {@code CORPUS} (one JSON string a line), its direct score, its
 *       content score and its findings, written exactly ({@link Double#toString}) to {@code OUT}, so that two builds'
 *       outputs can be compared with {@code diff} (a change meant to be speed-only must give none).</li>
 * </ul>
 *
 * <p>{@code java -cp "bench/target/classes:app/target/lib/*" dev.bastion.bench.InjectionScoreBench speed 15}
 */
public final class InjectionScoreBench {
    private InjectionScoreBench() {
    }

    /** The prompt {@code bench/gateway-overhead/run.sh} sends. */
    static final String GATEWAY_PROMPT = "Summarise the benefits of local inference in one sentence.";

    private static volatile double sink;

    public static void main(String[] args) throws IOException {
        InjectionScanner scanner = InjectionScanner.builtIn(Optional.empty());
        if (args.length == 3 && args[0].equals("scores")) {
            scores(scanner, Path.of(args[1]), Path.of(args[2]));
        } else if (args.length >= 1 && args[0].equals("speed")) {
            speed(scanner, args.length > 1 ? Integer.parseInt(args[1]) : 15);
        } else {
            System.err.println("usage: InjectionScoreBench speed [ROUNDS] | scores CORPUS.jsonl OUT.tsv");
            System.exit(2);
        }
    }

    private static void scores(InjectionScanner scanner, Path corpus, Path out) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> lines = Files.readAllLines(corpus, StandardCharsets.UTF_8);
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8))) {
            for (int i = 0; i < lines.size(); i++) {
                String text = json.readValue(lines.get(i), String.class);
                StringBuilder found = new StringBuilder();
                for (Finding f : scanner.scan(List.of(text, text), List.of("user", "tool"))) {
                    found.append(f.type()).append(':').append(f.start()).append('-').append(f.end()).append(' ');
                }
                w.println(i + "\t" + scanner.score(text) + "\t" + scanner.scoreContent(text) + "\t" + found);
            }
        }
        System.out.println(lines.size() + " texts scored to " + out);
    }

    private static void speed(InjectionScanner scanner, int rounds) {
        List<List<String>> sets = new ArrayList<>();
        List<String> names = new ArrayList<>();
        sets.add(List.of(GATEWAY_PROMPT));
        names.add("gateway prompt (58 chars)");
        sets.addAll(ShortPromptScanBench.SETS);
        names.addAll(ShortPromptScanBench.SET_NAMES);
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        System.out.printf("injection score, thread CPU ns per call, median of %d rounds (lowest round)%n", rounds);
        for (int s = 0; s < sets.size(); s++) {
            List<String> set = sets.get(s);
            int reps = 4_000 / set.size();
            for (int warm = 0; warm < 10; warm++) { // warm-up: let the JIT compile this path
                run(scanner, set, reps);
            }
            double[] ns = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                long start = cpu.getCurrentThreadCpuTime();
                run(scanner, set, reps);
                ns[r] = (cpu.getCurrentThreadCpuTime() - start) / (double) (reps * set.size());
            }
            Arrays.sort(ns);
            System.out.printf("%-28s %,10.0f (%,.0f)%n", names.get(s), ns[rounds / 2], ns[0]);
        }
    }

    private static void run(InjectionScanner scanner, List<String> set, int reps) {
        for (int i = 0; i < reps; i++) {
            for (String t : set) {
                sink = scanner.score(t);
            }
        }
    }
}
