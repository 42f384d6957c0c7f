package dev.bastion.privacy.synth;

import dev.bastion.privacy.dp.Table;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Small generated tables with known dependence, and the shared Adult file when it is there. */
final class SynthFixtures {
    static final List<String> COLUMNS = List.of("region", "job", "age", "income", "pet");
    static final Path ADULT = Path.of("../../shared/eval-data/tabular_fairness_adult_german_compas/"
            + "fairness__data__raw__adult.csv").toAbsolutePath().normalize();

    private SynthFixtures() {
    }

    /**
     * region → job → age → income form a chain (each depends on the one before), pet is independent of all.
     */
    static List<String[]> rows(int n, long seed) {
        Random r = new Random(seed);
        String[] regions = {"north", "south", "east", "west"};
        String[] jobs = {"clerk", "nurse", "driver"};
        List<String[]> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double u = r.nextDouble();
            int region = u < 0.4 ? 0 : u < 0.7 ? 1 : u < 0.9 ? 2 : 3;
            int job = r.nextDouble() < 0.7 ? region % 3 : r.nextInt(3);
            int age = Math.clamp(Math.round(28 + 12 * job + 7 * r.nextGaussian()), 18, 90);
            boolean high = r.nextDouble() < 0.1 + (age > 45 ? 0.5 : 0);
            rows.add(new String[] {regions[region], jobs[job], Integer.toString(age), high ? "high" : "low",
                    new String[] {"cat", "dog", "none"}[r.nextInt(3)]});
        }
        return rows;
    }

    static final List<String> CYCLE = List.of("a", "b", "c", "d");

    /**
     * A frustrated cycle: a, b, c binary with P(a, b, c) ∝ exp(s_a·s_b + s_b·s_c - s_a·s_c) (s = ±1), so a agrees
     * with b and b with c two times in three, but a with c only one time in three: no tree over the three columns
     * reproduces all three pairs (the chain a-b-c predicts a = c five times in nine). d is uniform over 3 values and
     * independent of the rest.
     */
    static List<String[]> cycle(int n, long seed) {
        Random r = new Random(seed);
        double[] weight = new double[8];
        double sum = 0;
        for (int k = 0; k < 8; k++) {
            int a = (k >> 2 & 1) * 2 - 1;
            int b = (k >> 1 & 1) * 2 - 1;
            int c = (k & 1) * 2 - 1;
            weight[k] = Math.exp(a * b + b * c - a * c);
            sum += weight[k];
        }
        List<String[]> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double u = r.nextDouble() * sum;
            int k = 0;
            while (k < 7 && u >= weight[k]) {
                u -= weight[k++];
            }
            rows.add(new String[] {"a" + (k >> 2 & 1), "b" + (k >> 1 & 1), "c" + (k & 1),
                    new String[] {"x", "y", "z"}[r.nextInt(3)]});
        }
        return rows;
    }

    static final List<String> PEOPLE = List.of("region", "job", "age", "income", "pet", "weight");

    /** {@link #rows} plus "weight", a survey weight almost every row has its own value of (like Adult's fnlwgt). */
    static List<String[]> people(int n, long seed) {
        Random r = new Random(seed ^ 0x5eed);
        List<String[]> out = new ArrayList<>();
        for (String[] row : rows(n, seed)) {
            String[] p = java.util.Arrays.copyOf(row, 6);
            p[5] = Long.toString(Math.round(Math.exp(12 + 0.6 * r.nextGaussian())));
            out.add(p);
        }
        return out;
    }

    static Table table(Path dir, String name, List<String[]> rows) throws IOException {
        Path file = dir.resolve(name);
        dev.bastion.privacy.dp.Table.write(file, COLUMNS, rows);
        return Table.read(file);
    }

    static Table write(Path dir, String name, List<String> columns, List<String[]> rows) throws IOException {
        Path file = dir.resolve(name);
        dev.bastion.privacy.dp.Table.write(file, columns, rows);
        return Table.read(file);
    }

    static boolean adultPresent() {
        return Files.isRegularFile(ADULT);
    }
}
