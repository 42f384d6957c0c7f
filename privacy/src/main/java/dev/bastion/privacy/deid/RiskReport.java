package dev.bastion.privacy.deid;

import dev.bastion.privacy.dp.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * Everything {@code bastion deid risk} reports for one table and one choice of quasi-identifiers.
 *
 * @param qis the quasi-identifier columns
 * @param rows the rows assessed
 * @param classes the equivalence classes
 * @param k the smallest class size
 * @param prosecutor risk when the attacker knows the person is in the data
 * @param rowsInClassesSmallerThan5 rows in classes of fewer than 5 rows
 * @param uniqueness population uniqueness estimates, when the population size or sampling fraction is known
 * @param population journalist and marketer risk, when a population table is given
 * @param sensitive l-diversity and t-closeness of the sensitive column, when one is named
 */
public record RiskReport(List<String> qis, int rows, int classes, int k, ProsecutorRisk prosecutor,
        int rowsInClassesSmallerThan5, Optional<PopulationUniqueness.Report> uniqueness,
        Optional<PopulationRisk> population, Optional<SensitiveDiversity> sensitive) {
    public RiskReport {
        qis = List.copyOf(qis);
        Objects.requireNonNull(prosecutor, "prosecutor");
        Objects.requireNonNull(uniqueness, "uniqueness");
        Objects.requireNonNull(population, "population");
        Objects.requireNonNull(sensitive, "sensitive");
    }

    /** What is known about the population the table was drawn from. */
    public sealed interface Population permits Unknown, Size, Register {
    }

    /** Nothing: only the prosecutor model applies. */
    public record Unknown() implements Population {
    }

    /** The population's size (from {@code --population N} or {@code --sampling-fraction F}). */
    public record Size(long records) implements Population {
        public Size {
            if (records < 1) {
                throw new IllegalArgumentException("the population size must be positive");
            }
        }
    }

    /** A population register with the quasi-identifier columns. */
    public record Register(Table table) implements Population {
        public Register {
            Objects.requireNonNull(table, "table");
        }
    }

    /** Assesses {@code table}. */
    public static RiskReport assess(Table table, List<String> qis, Optional<String> sensitive, Population population) {
        if (qis.isEmpty()) {
            throw new IllegalArgumentException("name at least one quasi-identifier column");
        }
        IntFunction<List<String>> keys = keysOf(table, qis);
        EquivalenceClasses classes = EquivalenceClasses.group(table.size(), keys);
        ProsecutorRisk prosecutor = ProsecutorRisk.of(classes);
        Optional<PopulationUniqueness.Report> uniqueness = Optional.empty();
        Optional<PopulationRisk> register = Optional.empty();
        switch (population) {
            case Unknown u -> { }
            case Size s -> uniqueness = Optional.of(PopulationUniqueness.estimate(classes.histogram(), s.records()));
            case Register r -> {
                register = Optional.of(PopulationRisk.measure(table.size(), keys, r.table().size(),
                        keysOf(r.table(), qis)));
                uniqueness = Optional.of(PopulationUniqueness.estimate(classes.histogram(),
                        Math.max(table.size(), r.table().size())));
            }
        }
        Optional<SensitiveDiversity> diversity = sensitive.map(s -> {
            int column = table.index(s);
            if (qis.contains(s)) {
                throw new IllegalArgumentException("the sensitive column cannot also be a quasi-identifier");
            }
            return SensitiveDiversity.of(classes, r -> table.cell(r, column));
        });
        return new RiskReport(qis, table.size(), classes.classes(), classes.smallest(), prosecutor,
                classes.rowsInClassesSmallerThan(5), uniqueness, register, diversity);
    }

    private static IntFunction<List<String>> keysOf(Table table, List<String> qis) {
        int[] columns = qis.stream().mapToInt(table::index).toArray();
        return r -> {
            List<String> key = new ArrayList<>(columns.length);
            for (int c : columns) {
                key.add(table.cell(r, c));
            }
            return key;
        };
    }
}
