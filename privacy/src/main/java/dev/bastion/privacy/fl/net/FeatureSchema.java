package dev.bastion.privacy.fl.net;

import dev.bastion.privacy.dp.Table;
import dev.bastion.privacy.train.TrainingData;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The feature encoding a federation agrees on before training: the label and its classes, and per input column
 * either a numeric standardisation (mean, standard deviation) or a category list for one-hot encoding. The
 * coordinator sends it with every task, so every site encodes its rows the same way without pooling them; a site
 * checks its columns against its policy from it. A category a site has that the schema lacks encodes as all zeros;
 * a row whose label is not a listed class is skipped. Immutable.
 */
public record FeatureSchema(String label, List<String> classes, List<Column> columns) {

    /** One input column: numeric (mean, std) or categorical (the categories, in one-hot order). */
    public record Column(String name, boolean numeric, double mean, double std, List<String> categories) {
        public Column {
            categories = List.copyOf(categories);
            if (name.isBlank() || (numeric && !(std > 0 && Double.isFinite(mean)))
                    || (!numeric && categories.isEmpty())) {
                throw new IllegalArgumentException("column '" + name + "': numeric needs a finite mean and std > 0, "
                        + "categorical at least one category");
            }
        }
    }

    public FeatureSchema {
        classes = List.copyOf(classes);
        columns = List.copyOf(columns);
        if (classes.size() < 2 || columns.isEmpty()) {
            throw new IllegalArgumentException("a schema needs at least two classes and one column");
        }
    }

    public int dimensions() {
        return columns.stream().mapToInt(c -> c.numeric() ? 1 : c.categories().size()).sum();
    }

    public List<String> columnNames() {
        return columns.stream().map(Column::name).toList();
    }

    /** The schema {@link TrainingData#fromTable} would use for this table: for public reference data or tests. */
    public static FeatureSchema of(Table table, String label) {
        int labelColumn = table.index(label);
        TreeSet<String> classes = new TreeSet<>();
        for (int r = 0; r < table.size(); r++) {
            classes.add(table.cell(r, labelColumn));
        }
        List<Column> columns = new ArrayList<>();
        for (int c = 0; c < table.columns().size(); c++) {
            if (c == labelColumn) {
                continue;
            }
            if (table.isNumeric(c)) {
                double sum = 0;
                double sq = 0;
                for (int r = 0; r < table.size(); r++) {
                    double v = table.number(r, c);
                    sum += v;
                    sq += v * v;
                }
                double mean = sum / table.size();
                double std = Math.sqrt(Math.max(0, sq / table.size() - mean * mean));
                columns.add(new Column(table.columns().get(c), true, mean, std == 0 ? 1 : std, List.of()));
            } else {
                TreeSet<String> values = new TreeSet<>();
                for (int r = 0; r < table.size(); r++) {
                    values.add(table.cell(r, c));
                }
                columns.add(new Column(table.columns().get(c), false, 0, 0, new ArrayList<>(values)));
            }
        }
        return new FeatureSchema(label, new ArrayList<>(classes), columns);
    }

    /**
     * Encodes a site's table.
     *
     * @throws IllegalArgumentException naming the column when the table lacks one, or when no row has a known class
     */
    public TrainingData encode(Table table) {
        int labelColumn = table.index(label);
        int[] index = new int[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            index[i] = table.index(columns.get(i).name());
        }
        List<double[]> xs = new ArrayList<>();
        List<Integer> ys = new ArrayList<>();
        int dims = dimensions();
        for (int r = 0; r < table.size(); r++) {
            int y = classes.indexOf(table.cell(r, labelColumn));
            if (y < 0) {
                continue;
            }
            double[] x = new double[dims];
            int f = 0;
            for (int i = 0; i < columns.size(); i++) {
                Column c = columns.get(i);
                if (c.numeric()) {
                    x[f++] = (table.number(r, index[i]) - c.mean()) / c.std();
                } else {
                    int k = c.categories().indexOf(table.cell(r, index[i]));
                    if (k >= 0) {
                        x[f + k] = 1;
                    }
                    f += c.categories().size();
                }
            }
            xs.add(x);
            ys.add(y);
        }
        if (xs.isEmpty()) {
            throw new IllegalArgumentException("no row has a class listed for '" + label + "'");
        }
        List<String> features = new ArrayList<>();
        for (Column c : columns) {
            if (c.numeric()) {
                features.add(c.name());
            } else {
                c.categories().forEach(v -> features.add(c.name() + "=" + v));
            }
        }
        return new TrainingData(xs.toArray(double[][]::new), ys.stream().mapToInt(Integer::intValue).toArray(),
                classes, features);
    }
}
