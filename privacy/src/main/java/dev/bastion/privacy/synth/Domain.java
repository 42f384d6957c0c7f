package dev.bastion.privacy.synth;

import dev.bastion.privacy.dp.Table;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The public description of a table's columns that a synthesiser may use without spending privacy budget: for a
 * categorical column its possible values, for a numeric column its bounds and whether it holds integers.
 *
 * <p>Who is responsible: a domain read from the data ({@link #fromData}) is NOT differentially private. The set of
 * values that occur and the minimum and maximum of a numeric column can reveal one person (a unique category, an
 * outlier's income). It is the usual assumption of DP synthesis (the NIST challenge and private-pgm's MST take the
 * domain as given), and the release record says which source was used. Pass a domain file when the data's own
 * values are not public. Immutable.
 */
public record Domain(List<Attribute> attributes, String source) {

    /** One column of the domain. */
    public sealed interface Attribute {
        String name();
    }

    /** A column whose values are {@code values}, in this order (codes 0, 1, ...). */
    public record Categorical(String name, List<String> values) implements Attribute {
        public Categorical {
            values = List.copyOf(values);
            if (values.isEmpty() || values.size() > 10_000) {
                throw new IllegalArgumentException("column '" + name + "' needs 1 to 10000 values, has "
                        + values.size());
            }
            if (new TreeSet<>(values).size() != values.size()) {
                throw new IllegalArgumentException("column '" + name + "' lists a value twice");
            }
        }
    }

    /** A numeric column with values clamped to [lower, upper]; {@code integral} columns are sampled as integers. */
    public record Numeric(String name, double lower, double upper, boolean integral) implements Attribute {
        public Numeric {
            if (!(lower < upper) || !Double.isFinite(lower) || !Double.isFinite(upper)) {
                throw new IllegalArgumentException("column '" + name + "' needs finite bounds with lower < upper");
            }
        }
    }

    public Domain {
        attributes = List.copyOf(attributes);
        if (attributes.size() < 2) {
            throw new IllegalArgumentException("synthesis needs at least two columns");
        }
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("a domain says where it came from");
        }
    }

    /**
     * The domain as the data shows it: a column whose every cell is a number is numeric with the observed bounds
     * (an integer column if every value is whole), every other column categorical with its sorted distinct values.
     * Not private: see the class comment.
     */
    public static Domain fromData(Table table) {
        return fromData(List.of(table), "data (not private: the values and bounds seen in the input)");
    }

    /**
     * The domain of several tables with the same columns (the first table's order), as {@link #fromData(Table)}
     * describes: numeric if numeric in every table, bounds and values over all of them. For evaluation.
     */
    public static Domain fromData(List<Table> tables, String source) {
        Table first = tables.getFirst();
        List<Attribute> out = new ArrayList<>();
        for (int c = 0; c < first.columns().size(); c++) {
            String name = first.columns().get(c);
            boolean numeric = true;
            for (Table t : tables) {
                numeric &= t.size() > 0 && t.isNumeric(t.index(name));
            }
            if (numeric) {
                double lo = Double.POSITIVE_INFINITY;
                double hi = Double.NEGATIVE_INFINITY;
                boolean integral = true;
                for (Table t : tables) {
                    int col = t.index(name);
                    for (int r = 0; r < t.size(); r++) {
                        double v = t.number(r, col);
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                        integral &= v == Math.rint(v);
                    }
                }
                out.add(new Numeric(name, lo, hi > lo ? hi : lo + 1, integral));
            } else {
                TreeSet<String> values = new TreeSet<>();
                for (Table t : tables) {
                    int col = t.index(name);
                    for (int r = 0; r < t.size(); r++) {
                        values.add(t.cell(r, col));
                    }
                }
                if (values.isEmpty()) {
                    values.add("");
                }
                out.add(new Categorical(name, new ArrayList<>(values)));
            }
        }
        return new Domain(out, source);
    }

    /**
     * Reads a domain file: one line per column, {@code NAME<TAB>categorical<TAB>V1<TAB>V2...} or
     * {@code NAME<TAB>numeric|integer<TAB>LOWER<TAB>UPPER}; blank lines and lines starting with # are skipped. The
     * columns must be the table's, in any order; the result follows the table's order.
     */
    public static Domain read(Path file, List<String> tableColumns) throws IOException {
        List<String> lines = Files.readAllLines(file);
        Attribute[] byColumn = new Attribute[tableColumns.size()];
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t", -1);
            String where = file + " line " + (i + 1);
            if (f.length < 3) {
                throw new IllegalArgumentException(where + ": expected NAME, a kind and its values, tab-separated");
            }
            int c = tableColumns.indexOf(f[0].strip());
            if (c < 0) {
                throw new IllegalArgumentException(where + ": no column '" + f[0].strip() + "' in the data");
            }
            byColumn[c] = switch (f[1].strip()) {
                case "categorical" -> new Categorical(f[0].strip(), List.of(f).subList(2, f.length).stream()
                        .map(String::strip).toList());
                case "numeric", "integer" -> {
                    if (f.length != 4) {
                        throw new IllegalArgumentException(where + ": a numeric column has LOWER and UPPER");
                    }
                    try {
                        yield new Numeric(f[0].strip(), Double.parseDouble(f[2].strip()),
                                Double.parseDouble(f[3].strip()), f[1].strip().equals("integer"));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(where + ": bounds must be numbers");
                    }
                }
                default -> throw new IllegalArgumentException(where + ": the kind is categorical, numeric or integer");
            };
        }
        for (int c = 0; c < byColumn.length; c++) {
            if (byColumn[c] == null) {
                throw new IllegalArgumentException(file + " does not describe column '" + tableColumns.get(c) + "'");
            }
        }
        return new Domain(List.of(byColumn), "file " + file.getFileName());
    }

    public int size() {
        return attributes.size();
    }

    public List<String> names() {
        return attributes.stream().map(Attribute::name).toList();
    }
}
