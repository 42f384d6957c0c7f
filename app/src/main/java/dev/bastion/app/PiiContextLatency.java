package dev.bastion.app;

import dev.bastion.gateway.embeddings.MiniLmTokenVectors;
import dev.bastion.guard.pii.ContextStage;
import dev.bastion.guard.pii.PiiMode;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Latency of the {@code pii} scanner per KB, for {@code bastion eval pii-context --latency}: the texts are joined
 * (blank line between them) into documents of about 1,024 characters. The tasks compared (scanners, encoders) each
 * scan every document once as warm-up; then in each round every document is given to every task in turn, so the
 * tasks alternate and share whatever load the machine has. The figures are milliseconds per KB (1,024 UTF-16
 * characters) of each call, wall-clock and the calling thread's CPU time, p50, p90, p99 and max. Run it under
 * {@code taskset -c 0} for the one-core figure; ONNX Runtime then runs with one intra-op thread on the calling
 * thread, so the thread's CPU time holds the encoder's work.
 */
final class PiiContextLatency {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private PiiContextLatency() {
    }

    static List<String> documents(List<String> texts, int size) {
        List<String> out = new ArrayList<>();
        StringBuilder b = new StringBuilder();
        for (String t : texts) {
            if (!b.isEmpty()) {
                b.append("\n\n");
            }
            b.append(t);
            if (b.length() >= size) {
                out.add(b.toString());
                b.setLength(0);
            }
        }
        if (!b.isEmpty()) {
            out.add(b.toString());
        }
        return out;
    }

    /** Times the {@code tasks} (label to work on one document) alternately, as the class comment says. */
    static void compare(Map<String, Consumer<String>> tasks, List<String> docs, int rounds) {
        List<String> labels = List.copyOf(tasks.keySet());
        for (String d : docs) {
            tasks.values().forEach(t -> t.accept(d));
        }
        int n = docs.size() * rounds;
        double[][] wall = new double[labels.size()][n];
        double[][] cpu = new double[labels.size()][n];
        long chars = 0;
        int k = 0;
        for (int r = 0; r < rounds; r++) {
            for (String d : docs) {
                double kb = d.length() / 1024.0;
                for (int j = 0; j < labels.size(); j++) {
                    Consumer<String> task = tasks.get(labels.get(j));
                    long c0 = THREADS.getCurrentThreadCpuTime();
                    long t0 = System.nanoTime();
                    task.accept(d);
                    wall[j][k] = (System.nanoTime() - t0) / 1e6 / kb;
                    cpu[j][k] = (THREADS.getCurrentThreadCpuTime() - c0) / 1e6 / kb;
                }
                chars += d.length();
                k++;
            }
        }
        for (int j = 0; j < labels.size(); j++) {
            Arrays.sort(wall[j]);
            Arrays.sort(cpu[j]);
            System.out.printf(Locale.ROOT, "latency %-44s %4d docs x %d rounds, mean %.0f chars: ms per KB wall p50 "
                    + "%.2f p90 %.2f p99 %.2f max %.2f; thread CPU p50 %.2f p90 %.2f p99 %.2f%n", labels.get(j),
                    docs.size(), rounds, (double) chars / n, at(wall[j], 0.5), at(wall[j], 0.9), at(wall[j], 0.99),
                    wall[j][n - 1], at(cpu[j], 0.5), at(cpu[j], 0.9), at(cpu[j], 0.99));
        }
    }

    /**
     * Where the encoder's time goes: the thread's CPU time per KB, summed over the documents, in WordPiece, tensor
     * building, the ONNX Runtime run and output reading, for the whole text and for what the gate lets through; and
     * the share of characters and of encoder pieces the gate keeps.
     */
    static void profile(MiniLmTokenVectors encoder, List<String> docs, int rounds) {
        for (PiiMode mode : new PiiMode[] {null, PiiMode.BALANCED, PiiMode.RECALL}) {
            long[] phases = new long[5];
            long chars = 0;
            long read = 0;
            long pieces = 0;
            long readPieces = 0;
            for (int r = 0; r < rounds; r++) {
                for (String d : docs) {
                    int[] regions = mode == null ? new int[] {0, d.length()} : ContextStage.regions(d, mode);
                    chars += d.length();
                    pieces += encoder.tokenizer().encode(d).size();
                    for (int k = 0; k < regions.length; k += 2) {
                        String part = d.substring(regions[k], regions[k + 1]);
                        read += part.length();
                        readPieces += encoder.tokenizer().encode(part).size();
                    }
                    encoder.profile(d, regions, phases);
                }
            }
            double kb = chars / 1024.0;
            System.out.printf(Locale.ROOT, "profile %-24s ms CPU per KB: WordPiece %.2f, tensors %.2f, ONNX Runtime run "
                    + "%.2f (%.2f runs per KB), output and word means %.2f; characters read %.1f%%, pieces read "
                    + "%.1f%% (%.0f pieces per KB of text)%n", mode == null ? "whole text" : "gate, "
                    + mode.configName(), phases[0] / 1e6 / kb, phases[1] / 1e6 / kb, phases[2] / 1e6 / kb,
                    phases[4] / kb, phases[3] / 1e6 / kb, 100.0 * read / chars, 100.0 * readPieces / pieces,
                    pieces / kb);
        }
    }

    static Map<String, Consumer<String>> tasks() {
        return new LinkedHashMap<>();
    }

    private static double at(double[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }
}
