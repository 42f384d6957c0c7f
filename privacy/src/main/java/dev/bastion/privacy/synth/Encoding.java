package dev.bastion.privacy.synth;

import dev.bastion.privacy.dp.Table;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Maps a table onto small integer codes: a categorical column's code is the index of its value in the domain, a
 * numeric column's code is its bin, with bins given by {@code edges} (lower, e1, ..., upper; the last bin includes
 * upper, values outside the bounds are clamped). Decoding a numeric code samples uniformly inside the bin (whole
 * numbers for integer columns). Immutable.
 */
public final class Encoding {
    private final Domain domain;
    private final double[][] edges;
    private final List<Map<String, Integer>> codes;

    /** {@code edges[c]} is null for a categorical column and strictly increasing bin edges for a numeric one. */
    public Encoding(Domain domain, double[][] edges) {
        if (edges.length != domain.size()) {
            throw new IllegalArgumentException("one edge list per column is needed");
        }
        this.domain = domain;
        this.edges = new double[edges.length][];
        this.codes = new java.util.ArrayList<>();
        for (int c = 0; c < edges.length; c++) {
            Domain.Attribute a = domain.attributes().get(c);
            Map<String, Integer> index = new HashMap<>();
            if (a instanceof Domain.Categorical cat) {
                for (int i = 0; i < cat.values().size(); i++) {
                    index.put(cat.values().get(i), i);
                }
            } else {
                double[] e = edges[c];
                if (e == null || e.length < 2) {
                    throw new IllegalArgumentException("numeric column '" + a.name() + "' needs at least one bin");
                }
                for (int i = 1; i < e.length; i++) {
                    if (!(e[i] > e[i - 1])) {
                        throw new IllegalArgumentException("bin edges of '" + a.name() + "' must increase");
                    }
                }
                this.edges[c] = e.clone();
            }
            codes.add(index);
        }
    }

    /** Bins from the exact quantiles of {@code table} (not private: for evaluation, never for a release). */
    public static Encoding exactQuantiles(Table table, Domain domain, int bins) {
        double[][] edges = new double[domain.size()][];
        for (int c = 0; c < domain.size(); c++) {
            if (domain.attributes().get(c) instanceof Domain.Numeric num) {
                int col = table.index(num.name());
                double[] values = new double[table.size()];
                for (int r = 0; r < values.length; r++) {
                    values[r] = Math.clamp(table.number(r, col), num.lower(), num.upper());
                }
                Arrays.sort(values);
                double[] cut = new double[bins - 1];
                for (int k = 1; k < bins; k++) {
                    // the bin boundary just above the k-th quantile, so equal values share a bin
                    cut[k - 1] = Math.nextUp(values[Math.min(values.length - 1, (int) ((long) k * values.length / bins))]);
                }
                edges[c] = edgesFrom(num, cut);
            }
        }
        return new Encoding(domain, edges);
    }

    /** Sorted, de-duplicated edges: lower, the cut points strictly inside (lower, upper), upper. */
    static double[] edgesFrom(Domain.Numeric num, double[] cuts) {
        double[] sorted = cuts.clone();
        Arrays.sort(sorted);
        double[] out = new double[sorted.length + 2];
        int n = 0;
        out[n++] = num.lower();
        for (double c : sorted) {
            double cut = num.integral() ? Math.ceil(c) : c;
            if (cut > out[n - 1] && cut < num.upper()) {
                out[n++] = cut;
            }
        }
        out[n++] = num.upper();
        return Arrays.copyOf(out, n);
    }

    public Domain domain() {
        return domain;
    }

    /** The number of codes of each column. */
    public int[] sizes() {
        int[] s = new int[edges.length];
        for (int c = 0; c < s.length; c++) {
            s[c] = edges[c] == null ? codes.get(c).size() : edges[c].length - 1;
        }
        return s;
    }

    /** The bin edges of column {@code c}, or an empty array for a categorical column. */
    public double[] edges(int c) {
        return edges[c] == null ? new double[0] : edges[c].clone();
    }

    /**
     * The table's codes, column by column ({@code [column][row]}); the table must have the domain's columns.
     *
     * @throws IllegalArgumentException naming the row and column (never the value) of a value outside the domain
     */
    public int[][] encode(Table table) {
        int[][] out = new int[domain.size()][table.size()];
        for (int c = 0; c < domain.size(); c++) {
            Domain.Attribute a = domain.attributes().get(c);
            int col = table.index(a.name());
            for (int r = 0; r < table.size(); r++) {
                if (edges[c] == null) {
                    Integer code = codes.get(c).get(table.cell(r, col));
                    if (code == null) {
                        throw new IllegalArgumentException("row " + (r + 2) + ", column '" + a.name()
                                + "': a value outside the domain");
                    }
                    out[c][r] = code;
                } else {
                    out[c][r] = bin(edges[c], table.number(r, col));
                }
            }
        }
        return out;
    }

    static int bin(double[] e, double v) {
        int i = Arrays.binarySearch(e, v);
        int b = i >= 0 ? i : -i - 2;
        return Math.clamp(b, 0, e.length - 2);
    }

    /** A cell for code {@code code} of column {@code c}: the value, or a uniform draw inside the bin. */
    public String decode(int c, int code, RandomGenerator random) {
        Domain.Attribute a = domain.attributes().get(c);
        if (a instanceof Domain.Categorical cat) {
            return cat.values().get(code);
        }
        double lo = edges[c][code];
        double hi = edges[c][code + 1];
        boolean last = code == edges[c].length - 2;
        if (((Domain.Numeric) a).integral()) {
            long first = (long) Math.ceil(lo);
            long end = last ? (long) Math.floor(hi) : (long) Math.ceil(hi) - 1; // inclusive
            return Long.toString(end <= first ? first : first + random.nextLong(end - first + 1));
        }
        double v = lo + random.nextDouble() * (hi - lo);
        return new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros().toPlainString();
    }
}
