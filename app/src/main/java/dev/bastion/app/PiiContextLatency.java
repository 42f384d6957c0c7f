package dev.bastion.app;

import dev.bastion.guard.pii.PiiScanner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Latency of the {@code pii} scanner per KB, for {@code bastion eval pii-context --latency}: the texts are joined
 * (blank line between them) into documents of about 1,024 characters, each document is scanned once as warm-up
 * and then timed once per round; the figures are wall-clock milliseconds per KB (1,024 UTF-16 characters) of each
 * scan, p50, p90, p99 and max, with the thread's CPU time beside the wall time. Run it under {@code taskset -c 0}
 * for the one-core figure.
 */
final class PiiContextLatency {
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

    static void print(String label, PiiScanner scanner, List<String> docs, int rounds) {
        var bean = java.lang.management.ManagementFactory.getThreadMXBean();
        for (String d : docs) {
            scanner.find(d);
        }
        double[] wall = new double[docs.size() * rounds];
        double[] cpu = new double[docs.size() * rounds];
        int k = 0;
        long chars = 0;
        for (int r = 0; r < rounds; r++) {
            for (String d : docs) {
                long c0 = bean.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                scanner.find(d);
                double kb = d.length() / 1024.0;
                wall[k] = (System.nanoTime() - t0) / 1e6 / kb;
                cpu[k++] = (bean.getCurrentThreadCpuTime() - c0) / 1e6 / kb;
                chars += d.length();
            }
        }
        Arrays.sort(wall);
        Arrays.sort(cpu);
        System.out.printf(Locale.ROOT, "latency %-34s %4d docs x %d rounds, mean %.0f chars: ms per KB wall p50 %.2f "
                + "p90 %.2f p99 %.2f max %.2f; thread CPU p50 %.2f p99 %.2f%n", label, docs.size(), rounds,
                (double) chars / wall.length, at(wall, 0.5), at(wall, 0.9), at(wall, 0.99), wall[wall.length - 1],
                at(cpu, 0.5), at(cpu, 0.99));
    }

    private static double at(double[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }
}
