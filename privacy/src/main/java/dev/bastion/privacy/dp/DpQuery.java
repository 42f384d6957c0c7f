package dev.bastion.privacy.dp;

import dev.bastion.privacy.accounting.PrivacyEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What an analyst asks: one aggregate over one column, optionally per group, under (ε, δ) with contributions bounded
 * per privacy unit. Built with {@link #builder(Kind)}, whose {@code build()} checks every combination. The privacy
 * events a query will cost depend only on this specification, never on the data ({@link #events()}), so a ledger
 * can refuse a query before it touches the data. Immutable and thread-safe.
 *
 * <p>Contribution bounding: each privacy unit (a row, or all rows sharing a {@code privacyUnit} value) keeps at most
 * {@code maxContributions} rows (per group, when grouped) and at most {@code maxPartitions} groups, chosen at
 * random. Values are clamped to [lower, upper]. Results are for the bounded, clamped data.
 */
public final class DpQuery {

    /** The aggregate. */
    public enum Kind { COUNT, SUM, MEAN, VARIANCE, QUANTILE, HISTOGRAM;

        public static Kind parse(String s) {
            try {
                return valueOf(s.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown query '" + s + "'; use count, sum, mean, variance, "
                        + "quantile or histogram");
            }
        }
    }

    /** The noise added to each released statistic. */
    public enum Mechanism { LAPLACE, GAUSSIAN }

    /** Levels of the binary tree used for quantiles: 2^10 = 1024 leaves over [lower, upper]. */
    static final int QUANTILE_TREE_DEPTH = 10;

    final Kind kind;
    final String column;
    final String groupBy;
    final String privacyUnit;
    final int maxContributions;
    final int maxPartitions;
    final double epsilon;
    final double delta;
    final double lower;
    final double upper;
    final double quantile;
    final int bins;
    final boolean categorical;
    final Mechanism mechanism;
    final double confidence;

    private DpQuery(Builder b) {
        this.kind = b.kind;
        this.column = b.column;
        this.groupBy = b.groupBy;
        this.privacyUnit = b.privacyUnit;
        this.maxContributions = b.maxContributions;
        this.maxPartitions = b.maxPartitions;
        this.epsilon = b.epsilon;
        this.delta = b.delta;
        this.lower = b.lower;
        this.upper = b.upper;
        this.quantile = b.quantile;
        this.bins = b.bins;
        this.categorical = b.categorical;
        this.mechanism = b.mechanism;
        this.confidence = b.confidence;
    }

    public static Builder builder(Kind kind) {
        return new Builder(kind);
    }

    public Kind kind() {
        return kind;
    }

    public double epsilon() {
        return epsilon;
    }

    public double delta() {
        return delta;
    }

    public Optional<String> groupBy() {
        return Optional.ofNullable(groupBy);
    }

    /** Whether the released keys come from the data (group-by, categorical histogram): partition selection. */
    boolean selectsPartitions() {
        return groupBy != null || (kind == Kind.HISTOGRAM && categorical);
    }

    /** The privacy events this query costs, from its parameters alone. */
    public List<PrivacyEvent> events() {
        List<PrivacyEvent> events = new ArrayList<>();
        if (selectsPartitions()) {
            if (kind == Kind.COUNT || kind == Kind.HISTOGRAM) {
                events.add(new PrivacyEvent.Approximate(epsilon, delta));
            } else {
                events.add(new PrivacyEvent.Approximate(epsilon / 2, delta));
                events.add(new PrivacyEvent.PureDp(epsilon / 2));
            }
            return events;
        }
        int parts = switch (kind) {
            case MEAN -> 2;
            case VARIANCE -> 3;
            default -> 1;
        };
        for (int i = 0; i < parts; i++) {
            events.add(mechanism == Mechanism.LAPLACE ? new PrivacyEvent.PureDp(epsilon / parts)
                    : new PrivacyEvent.Gaussian(Noise.Gaussian.calibrate(epsilon / parts, delta / parts), true));
        }
        return events;
    }

    /** A readable one-line description (no data). */
    public String describe() {
        StringBuilder s = new StringBuilder(kind.name().toLowerCase(Locale.ROOT));
        if (column != null) {
            s.append('(').append(column).append(')');
        }
        if (groupBy != null) {
            s.append(" by ").append(groupBy);
        }
        s.append(String.format(Locale.ROOT, " eps=%s", epsilon));
        if (delta > 0) {
            s.append(String.format(Locale.ROOT, " delta=%s", delta));
        }
        if (privacyUnit != null) {
            s.append(" unit=").append(privacyUnit).append(" k=").append(maxContributions);
        }
        return s.toString();
    }

    /** Collects and checks a query's parameters. */
    public static final class Builder {
        private final Kind kind;
        private String column;
        private String groupBy;
        private String privacyUnit;
        private int maxContributions = 1;
        private int maxPartitions = 1;
        private double epsilon = Double.NaN;
        private double delta = 0;
        private double lower = Double.NaN;
        private double upper = Double.NaN;
        private double quantile = 0.5;
        private int bins = 10;
        private boolean categorical;
        private Mechanism mechanism = Mechanism.LAPLACE;
        private double confidence = 0.95;

        private Builder(Kind kind) {
            this.kind = kind;
        }

        public Builder column(String c) { this.column = c; return this; }
        public Builder groupBy(String g) { this.groupBy = g; return this; }
        public Builder privacyUnit(String u, int maxContributionsPerUnit) {
            this.privacyUnit = u;
            this.maxContributions = maxContributionsPerUnit;
            return this;
        }
        public Builder maxPartitions(int p) { this.maxPartitions = p; return this; }
        public Builder epsilon(double e) { this.epsilon = e; return this; }
        public Builder delta(double d) { this.delta = d; return this; }
        public Builder bounds(double lo, double hi) { this.lower = lo; this.upper = hi; return this; }
        public Builder quantile(double q) { this.quantile = q; return this; }
        public Builder bins(int n) { this.bins = n; return this; }
        public Builder categorical(boolean c) { this.categorical = c; return this; }
        public Builder mechanism(Mechanism m) { this.mechanism = m; return this; }
        public Builder confidence(double c) { this.confidence = c; return this; }

        public DpQuery build() {
            List<String> problems = new ArrayList<>();
            if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
                problems.add("epsilon must be a positive number");
            }
            if (!(delta >= 0 && delta < 1)) {
                problems.add("delta must be in [0, 1)");
            }
            if (kind != Kind.COUNT && column == null) {
                problems.add(kind.name().toLowerCase(Locale.ROOT) + " needs a column");
            }
            boolean needsBounds = kind == Kind.SUM || kind == Kind.MEAN || kind == Kind.VARIANCE
                    || kind == Kind.QUANTILE || (kind == Kind.HISTOGRAM && !categorical);
            if (needsBounds && !(Double.isFinite(lower) && Double.isFinite(upper) && lower < upper)) {
                problems.add("bounds lower < upper are needed (values are clamped to them)");
            }
            if (maxContributions < 1 || maxContributions > 1_000_000) {
                problems.add("max contributions must be between 1 and 1,000,000");
            }
            if (privacyUnit == null && maxContributions != 1) {
                problems.add("max contributions above 1 needs a privacy-unit column");
            }
            if (maxPartitions < 1 || maxPartitions > 1_000_000) {
                problems.add("max partitions must be between 1 and 1,000,000");
            }
            if (groupBy != null && !(kind == Kind.COUNT || kind == Kind.SUM || kind == Kind.MEAN)) {
                problems.add("group-by supports count, sum and mean");
            }
            boolean selects = groupBy != null || (kind == Kind.HISTOGRAM && categorical);
            if (selects && !(delta > 0)) {
                problems.add("releasing groups found in the data needs delta > 0 (partition selection)");
            }
            if (selects && mechanism == Mechanism.GAUSSIAN) {
                problems.add("partition selection uses the Laplace mechanism; drop --mechanism gaussian");
            }
            if (mechanism == Mechanism.GAUSSIAN && !(delta > 0)) {
                problems.add("the Gaussian mechanism needs delta > 0");
            }
            if (kind == Kind.QUANTILE && mechanism == Mechanism.GAUSSIAN) {
                problems.add("quantiles use the Laplace mechanism");
            }
            if (!(quantile > 0 && quantile < 1)) {
                problems.add("the quantile must be in (0, 1)");
            }
            if (bins < 1 || bins > 100_000) {
                problems.add("bins must be between 1 and 100,000");
            }
            if (!(confidence > 0 && confidence < 1)) {
                problems.add("confidence must be in (0, 1)");
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("invalid query: " + String.join("; ", problems));
            }
            return new DpQuery(this);
        }
    }
}
