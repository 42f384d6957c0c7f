package dev.bastion.bench;

import dev.bastion.guard.Scanner;
import dev.bastion.guard.injection.QuotedDocuments;
import dev.bastion.guard.pii.PiiMode;
import dev.bastion.guard.pii.PiiScanner;
import dev.bastion.guard.secrets.SecretsScanner;
import dev.bastion.guard.structure.StructureScanner;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * The default route's input scanners on short prompts (one word to one sentence), each timed alone, in thread CPU
 * nanoseconds per call: structure, secrets, pii (balanced) and what tool-injection does for a user's message (look
 * for pasted documents; a message without one is not scored). Every prompt set is warmed up first, then measured in
 * rounds; the median and the lowest round are printed. Thread CPU, not wall time, so other work on a shared machine
 * moves the figures less; run it pinned ({@code taskset -c 0}) and compare builds side by side.
 *
 * <p>{@code java -cp "bench/target/classes:app/target/lib/*" dev.bastion.bench.ShortPromptScanBench [ROUNDS]}
 */
public final class ShortPromptScanBench {
    private ShortPromptScanBench() {
    }

    /** Prompts of the lengths a chat sees most: one word, a few words, one sentence; ordinary, nothing to find. */
    static final List<List<String>> SETS = List.of(
            List.of("hello", "thanks", "continue", "why?", "ok", "summarise", "translate", "yes", "more", "explain"),
            List.of("what is a monad", "write a haiku about rain", "fix this bug please", "how do magnets work",
                    "give me three ideas", "is it safe to eat raw eggs", "shorter please", "tell me a joke"),
            List.of("Can you explain how a hash map handles collisions, and when it resizes?",
                    "Write a short poem about the sea at night in the style of a sonnet.",
                    "What are the main differences between TCP and UDP for a game server?",
                    "Please summarise the plot of Hamlet in three sentences for a ten-year-old.",
                    "How should I structure a Java project with several Maven modules?"),
            List.of("My name is Sarah Connor and my phone is +1 415 555 0100.",
                    "Send the invoice to jane.doe@example.com before Friday.",
                    "The key is AKIAIOSFODNN7EXAMPLE, do not share it."));
    static final List<String> SET_NAMES = List.of("one word", "a few words", "one sentence", "with findings");

    private static volatile Object sink;

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        Scanner structure = new StructureScanner(256, 1_000_000);
        Scanner secrets = SecretsScanner.builtIn();
        Scanner pii = PiiScanner.defaults(PiiMode.BALANCED);
        List<String> names = List.of("structure", "secrets", "pii (balanced)", "tool-injection (user message)");
        List<Consumer<String>> calls = List.of(
                t -> sink = structure.scan(List.of(t), List.of("user")),
                t -> sink = secrets.scan(List.of(t), List.of("user")),
                t -> sink = pii.scan(List.of(t), List.of("user")),
                t -> sink = QuotedDocuments.in(t));
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        System.out.printf("thread CPU ns per call, median of %d rounds (lowest round)%n", rounds);
        System.out.printf("%-32s", "scanner");
        for (String s : SET_NAMES) {
            System.out.printf(" %22s", s);
        }
        System.out.println();
        for (int k = 0; k < calls.size(); k++) {
            Consumer<String> call = calls.get(k);
            List<String> cells = new ArrayList<>();
            for (List<String> set : SETS) {
                int reps = 20_000 / set.size();
                for (int warm = 0; warm < 10; warm++) { // warm-up: let the JIT compile this path
                    run(call, set, reps);
                }
                double[] ns = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    long start = cpu.getCurrentThreadCpuTime();
                    run(call, set, reps);
                    ns[r] = (cpu.getCurrentThreadCpuTime() - start) / (double) (reps * set.size());
                }
                Arrays.sort(ns);
                cells.add(String.format("%,.0f (%,.0f)", ns[rounds / 2], ns[0]));
            }
            System.out.printf("%-32s", names.get(k));
            for (String c : cells) {
                System.out.printf(" %22s", c);
            }
            System.out.println();
        }
    }

    private static void run(Consumer<String> call, List<String> set, int reps) {
        for (int i = 0; i < reps; i++) {
            for (String t : set) {
                call.accept(t);
            }
        }
    }
}
