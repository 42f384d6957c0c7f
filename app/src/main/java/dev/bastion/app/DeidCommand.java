package dev.bastion.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.Json;
import dev.bastion.privacy.deid.Anonymizer;
import dev.bastion.privacy.deid.EquivalenceClasses;
import dev.bastion.privacy.deid.Hierarchy;
import dev.bastion.privacy.deid.ModelAccuracy;
import dev.bastion.privacy.deid.PopulationUniqueness;
import dev.bastion.privacy.deid.RiskReport;
import dev.bastion.privacy.deid.SensitiveDiversity;
import dev.bastion.privacy.deid.Utility;
import dev.bastion.privacy.dp.Table;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bastion deid risk|anonymize}: re-identification risk of a table, and k-anonymous releases of it. */
@Command(name = "deid", description = "De-identified data: re-identification risk and k-anonymous releases.",
        subcommands = {DeidCommand.Risk.class, DeidCommand.Anonymize.class})
final class DeidCommand {

    static List<String> columns(String list) {
        return Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    static String pct(double share) {
        return String.format(Locale.ROOT, "%.2f%%", 100 * share);
    }

    static String num(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    /** Refuses a table that still holds direct identifiers outside the columns being dropped. */
    static Map<String, String> directIdentifiers(Table table, List<String> ignored) {
        Map<String, String> found = new java.util.LinkedHashMap<>(DirectIdentifiers.find(table));
        found.keySet().removeAll(ignored);
        return found;
    }

    @Command(name = "risk", description = "Re-identification risk of a table's quasi-identifiers: classes, k, sample "
            + "uniques, prosecutor risk, population uniqueness (Pitman, Zayatz, SNB by Dankar et al.'s rule), "
            + "journalist and marketer risk from a population table, l-diversity and t-closeness.")
    static final class Risk implements Callable<Integer> {
        @Option(names = "--data", required = true, paramLabel = "CSV", description = "The table (CSV with a header).")
        Path data;

        @Option(names = "--qi", required = true, paramLabel = "C1,C2,..", description = "Quasi-identifier columns.")
        String qi;

        @Option(names = "--sensitive", paramLabel = "COLUMN", description = "A sensitive column: l-diversity and "
                + "t-closeness.")
        String sensitive;

        @Option(names = "--population", paramLabel = "N", description = "Records in the population the table was "
                + "drawn from: population uniqueness estimates.")
        Long population;

        @Option(names = "--sampling-fraction", paramLabel = "F", description = "The table's share of the population "
                + "(instead of --population).")
        Double samplingFraction;

        @Option(names = "--population-table", paramLabel = "CSV", description = "A population register with the "
                + "same quasi-identifier columns: journalist and marketer risk.")
        Path populationTable;

        @Option(names = "--format", defaultValue = "text", description = "text or json.")
        String format;

        @Override
        public Integer call() throws IOException {
            long start = System.nanoTime();
            Table table = Table.read(data);
            RiskReport.Population pop = new RiskReport.Unknown();
            int given = (population != null ? 1 : 0) + (samplingFraction != null ? 1 : 0)
                    + (populationTable != null ? 1 : 0);
            if (given > 1) {
                throw new IllegalArgumentException("give one of --population, --sampling-fraction, "
                        + "--population-table");
            }
            if (population != null) {
                pop = new RiskReport.Size(population);
            } else if (samplingFraction != null) {
                if (!(samplingFraction > 0 && samplingFraction <= 1)) {
                    throw new IllegalArgumentException("--sampling-fraction must be in (0, 1]");
                }
                pop = new RiskReport.Size(Math.round(table.size() / samplingFraction));
            } else if (populationTable != null) {
                pop = new RiskReport.Register(Table.read(populationTable));
            }
            List<String> qis = columns(qi);
            long read = System.nanoTime();
            RiskReport r = RiskReport.assess(table, qis, Optional.ofNullable(sensitive), pop);
            long assessed = System.nanoTime();
            Map<String, String> identifiers = directIdentifiers(table, List.of());
            String timing = String.format(Locale.ROOT, "read %.2f s, risk %.2f s, direct-identifier scan %.2f s",
                    (read - start) / 1e9, (assessed - read) / 1e9, (System.nanoTime() - assessed) / 1e9);
            if (format.equalsIgnoreCase("json")) {
                ObjectNode o = json(r, identifiers);
                System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(o));
                System.out.flush();
                System.err.println(timing);
            } else {
                print(r, identifiers, timing);
            }
            return ExitCodes.OK;
        }

        static ObjectNode json(RiskReport r, Map<String, String> identifiers) {
            ObjectNode o = Json.MAPPER.createObjectNode();
            o.putPOJO("quasi_identifiers", r.qis());
            o.put("rows", r.rows());
            o.put("classes", r.classes());
            o.put("k", r.k());
            o.put("sample_uniques", r.prosecutor().sampleUniques());
            o.put("rows_in_classes_smaller_than_5", r.rowsInClassesSmallerThan5());
            ObjectNode p = o.putObject("prosecutor");
            p.put("highest", r.prosecutor().highest());
            p.put("average", r.prosecutor().average());
            p.put("records_above_0_2", r.prosecutor().atRiskAbove0_2());
            p.put("records_above_0_09", r.prosecutor().atRiskAbove0_09());
            r.uniqueness().ifPresent(u -> {
                ObjectNode n = o.putObject("population_uniqueness");
                n.put("population", u.population());
                n.put("sampling_fraction", u.samplingFraction());
                u.zayatz().ifPresent(e -> n.put("zayatz", e.uniques()));
                u.pitman().ifPresent(e -> n.put("pitman", e.uniques()));
                u.snb().ifPresent(e -> n.put("snb", e.uniques()));
                u.chosen().ifPresent(e -> {
                    n.put("chosen_model", e.model().name().toLowerCase(Locale.ROOT));
                    n.put("uniques", e.uniques());
                    n.put("share", e.share());
                });
            });
            r.population().ifPresent(pr -> {
                ObjectNode j = o.putObject("journalist");
                j.put("highest", pr.highest());
                j.put("records_above_0_2", pr.atRiskAbove0_2());
                j.put("average", pr.journalistAverage());
                o.putObject("marketer").put("average", pr.marketer());
                o.put("sample_classes_missing_from_population", pr.missing());
            });
            r.sensitive().ifPresent(s -> {
                ObjectNode d = o.putObject("sensitive");
                d.put("distinct_l", s.distinctL());
                d.put("entropy_l", s.entropyL());
                d.put("t", s.t());
                d.put("distance", s.numeric() ? "ordered" : "equal");
            });
            ObjectNode ids = o.putObject("direct_identifiers");
            identifiers.forEach(ids::put);
            return o;
        }

        static void print(RiskReport r, Map<String, String> identifiers, String timing) {
            System.out.println("quasi-identifiers " + r.qis() + ": " + r.rows() + " rows, " + r.classes()
                    + " classes, k = " + r.k());
            System.out.println("sample uniques: " + r.prosecutor().sampleUniques() + " ("
                    + pct((double) r.prosecutor().sampleUniques() / Math.max(1, r.rows())) + ")");
            System.out.println("prosecutor risk: highest " + num(r.prosecutor().highest()) + ", average "
                    + num(r.prosecutor().average()) + "; records above 0.2: " + pct(r.prosecutor().atRiskAbove0_2())
                    + " (classes smaller than 5), above 0.09: " + pct(r.prosecutor().atRiskAbove0_09()));
            r.uniqueness().ifPresent(u -> {
                StringBuilder line = new StringBuilder("population uniqueness (population " + u.population()
                        + ", sampling fraction " + num(u.samplingFraction()) + "):");
                for (Optional<PopulationUniqueness.Estimate> e : List.of(u.zayatz(), u.pitman(), u.snb())) {
                    e.ifPresent(x -> line.append(' ').append(x.model().name().toLowerCase(Locale.ROOT)).append(' ')
                            .append(Math.round(x.uniques())));
                }
                u.chosen().ifPresentOrElse(c -> line.append("; Dankar et al.'s rule picks ")
                        .append(c.model().name().toLowerCase(Locale.ROOT)).append(": ")
                        .append(Math.round(c.uniques())).append(" population uniques (").append(pct(c.share()))
                        .append(")"), () -> line.append("; no model converged"));
                System.out.println(line);
            });
            r.population().ifPresent(p -> System.out.println("journalist risk: highest " + num(p.highest())
                    + ", average " + num(p.journalistAverage()) + ", records above 0.2: " + pct(p.atRiskAbove0_2())
                    + "; marketer risk: " + num(p.marketer())
                    + (p.missing() > 0 ? "; " + p.missing() + " sample classes are not in the population table"
                            : "")));
            r.sensitive().ifPresent(s -> System.out.println("sensitive column: distinct l = " + s.distinctL()
                    + ", entropy l = " + String.format(Locale.ROOT, "%.2f", s.entropyL()) + ", t = " + num(s.t())
                    + " (" + (s.numeric() ? "ordered" : "equal") + " distance)"));
            if (identifiers.isEmpty()) {
                System.out.println("direct identifiers: none found");
            } else {
                identifiers.forEach((c, why) -> System.out.println("direct identifier: column '" + c + "' holds "
                        + why + ": drop or pseudonymise it before release"));
            }
            System.out.flush();
            System.err.println(timing);
        }
    }

    @Command(name = "anonymize", description = "A k-anonymous release (optionally l-diverse and t-close) by "
            + "full-domain generalisation over ARX-format hierarchies and record suppression, with the least "
            + "generalisation loss.")
    static final class Anonymize implements Callable<Integer> {
        @Option(names = "--data", required = true, paramLabel = "CSV", description = "The table (CSV with a header).")
        Path data;

        @Option(names = "--qi", required = true, paramLabel = "C1,C2,..", description = "Quasi-identifier columns.")
        String qi;

        @Option(names = "--k", required = true, description = "Every class holds at least k rows.")
        int k;

        @Option(names = "--l", defaultValue = "1", description = "Distinct l-diversity of --sensitive (default 1: "
                + "none).")
        int l;

        @Option(names = "--t", defaultValue = "1", description = "t-closeness of --sensitive (default 1: none).")
        double t;

        @Option(names = "--sensitive", paramLabel = "COLUMN", description = "The sensitive column for --l and --t.")
        String sensitive;

        @Option(names = "--hierarchies", required = true, paramLabel = "DIR", description = "One ARX-format "
                + "hierarchy per quasi-identifier: DIR/<column>.csv or DIR/*_hierarchy_<column>.csv, lines of "
                + "value;level1;level2;...")
        Path hierarchies;

        @Option(names = "--suppress", defaultValue = "5%", paramLabel = "SHARE", description = "The largest share of "
                + "rows that may be suppressed (default 5%).")
        String suppress;

        @Option(names = "--drop", paramLabel = "C1,..", description = "Columns left out of the release (direct "
                + "identifiers must be).")
        String drop;

        @Option(names = "--label", paramLabel = "COLUMN", description = "Also compare the accuracy of a model "
                + "predicting this column from the release and from the original.")
        String label;

        @Option(names = "--out", required = true, paramLabel = "CSV", description = "Where to write the release.")
        Path out;

        @Option(names = "--format", defaultValue = "text", description = "text or json.")
        String format;

        @Override
        public Integer call() throws IOException {
            long start = System.nanoTime();
            Table read = Table.read(data);
            List<String> dropped = drop == null ? List.of() : columns(drop);
            Table table = without(read, dropped);
            Map<String, String> identifiers = directIdentifiers(table, List.of());
            if (!identifiers.isEmpty()) {
                throw new IllegalArgumentException("the table holds direct identifiers " + identifiers
                        + ": drop them with --drop (or pseudonymise them first); generalising is not enough");
            }
            List<String> qis = columns(qi);
            List<Hierarchy> hs = new ArrayList<>();
            for (String q : qis) {
                hs.add(Hierarchy.read(q, hierarchyFile(hierarchies, q)));
            }
            double limit = share(suppress);
            Anonymizer anonymizer = new Anonymizer(table, qis, hs, new Anonymizer.Criteria(k, l, t,
                    Optional.ofNullable(sensitive), limit));
            Anonymizer.Outcome outcome = anonymizer.search();
            if (!(outcome instanceof Anonymizer.Anonymised best)) {
                Anonymizer.Impossible none = (Anonymizer.Impossible) outcome;
                System.err.println("bastion: no generalisation of " + qis + " meets k=" + k
                        + (l > 1 ? ", l=" + l : "") + (t < 1 ? ", t=" + t : "") + " within " + pct(limit)
                        + " suppression (" + none.nodes() + " nodes, " + none.grouped() + " checked); allow more "
                        + "suppression, add hierarchy levels, or use fewer quasi-identifiers");
                return ExitCodes.FAILED;
            }
            int[] levels = best.levels();
            Anonymizer.Release release = anonymizer.release(levels);
            List<String[]> released = release.rows();
            Table.write(out, table.columns(), released);
            List<String[]> original = new ArrayList<>(table.size());
            for (int r = 0; r < table.size(); r++) {
                original.add(table.row(r));
            }
            int[] qiColumns = qis.stream().mapToInt(table::index).toArray();
            EquivalenceClasses classes = release.classes();
            Utility u = Utility.measure(original, released, qiColumns, hs, levels, classes);
            Optional<double[]> accuracy = Optional.ofNullable(label).map(lab -> new double[] {
                ModelAccuracy.of(table, lab, 42), ModelAccuracy.of(Table.of(table.columns(), released), lab, 42)});
            double seconds = (System.nanoTime() - start) / 1e9;
            if (format.equalsIgnoreCase("json")) {
                ObjectNode o = Json.MAPPER.createObjectNode();
                ObjectNode lv = o.putObject("levels");
                for (int q = 0; q < qis.size(); q++) {
                    lv.put(qis.get(q), levels[q]);
                }
                o.put("k", classes.smallest());
                o.put("rows", table.size());
                o.put("suppressed", best.suppressed());
                o.put("classes", classes.classes());
                o.put("generalisation_loss", u.generalisationLoss());
                o.put("non_uniform_entropy_bits", u.nonUniformEntropy());
                o.put("discernibility", u.discernibility());
                o.put("lattice_nodes", best.nodes());
                o.put("nodes_checked", best.grouped());
                accuracy.ifPresent(a -> {
                    o.put("accuracy_original", a[0]);
                    o.put("accuracy_released", a[1]);
                });
                o.put("out", out.toString());
                o.put("seconds", seconds);
                System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(o));
            } else {
                StringBuilder lv = new StringBuilder();
                for (int q = 0; q < qis.size(); q++) {
                    lv.append(q == 0 ? "" : ", ").append(qis.get(q)).append(' ').append(levels[q]).append('/')
                            .append(hs.get(q).levels() - 1);
                }
                System.out.println("levels: " + lv);
                System.out.println("k = " + classes.smallest() + " over " + classes.classes() + " classes; "
                        + best.suppressed() + " of " + table.size() + " rows suppressed ("
                        + pct((double) best.suppressed() / table.size()) + ", limit " + pct(limit) + ")");
                System.out.println("utility: generalisation loss " + num(u.generalisationLoss())
                        + ", non-uniform entropy " + num(u.nonUniformEntropy()) + " bits per cell, discernibility "
                        + String.format(Locale.ROOT, "%.0f", u.discernibility()));
                accuracy.ifPresent(a -> System.out.println("model accuracy predicting '" + label + "': original "
                        + num(a[0]) + ", release " + num(a[1])));
                System.out.println("search: " + best.grouped() + " of " + best.nodes() + " lattice nodes checked");
                System.out.println("wrote " + out);
                System.out.flush();
                System.err.println(String.format(Locale.ROOT, "anonymised in %.2f s", seconds));
            }
            return ExitCodes.OK;
        }

        static double share(String s) {
            String v = s.strip();
            double d = v.endsWith("%") ? Double.parseDouble(v.substring(0, v.length() - 1)) / 100
                    : Double.parseDouble(v);
            if (!(d >= 0 && d < 1)) {
                throw new IllegalArgumentException("--suppress must be a share below 100%, such as 5% or 0.05");
            }
            return d;
        }

        static Path hierarchyFile(Path dir, String column) throws IOException {
            Path plain = dir.resolve(column + ".csv");
            if (Files.isRegularFile(plain)) {
                return plain;
            }
            try (Stream<Path> files = Files.list(dir)) {
                return files.filter(p -> p.getFileName().toString().endsWith("_hierarchy_" + column + ".csv"))
                        .findFirst().orElseThrow(() -> new IllegalArgumentException("no hierarchy for '" + column
                                + "' in " + dir + " (expected " + column + ".csv or *_hierarchy_" + column
                                + ".csv)"));
            }
        }

        static Table without(Table table, List<String> dropped) {
            if (dropped.isEmpty()) {
                return table;
            }
            dropped.forEach(table::index);
            List<String> columns = table.columns().stream().filter(c -> !dropped.contains(c)).toList();
            int[] keep = columns.stream().mapToInt(table::index).toArray();
            List<String[]> rows = new ArrayList<>(table.size());
            for (int r = 0; r < table.size(); r++) {
                String[] row = new String[keep.length];
                for (int i = 0; i < keep.length; i++) {
                    row[i] = table.cell(r, keep[i]);
                }
                rows.add(row);
            }
            return Table.of(columns, rows);
        }
    }
}
