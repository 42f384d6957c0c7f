package dev.bastion.gateway.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * A small Prometheus registry: labelled counters, histograms and gauges, rendered in the text exposition format
 * 0.0.4. Recording is lock-free (adders); a metric keeps at most {@value #MAX_SERIES} label sets, beyond which
 * observations go to a series whose labels are all {@code _overflow_}, so clients cannot grow memory by inventing
 * label values. Label values must never be prompt text or keys. Thread-safe.
 */
public final class Metrics {
    static final int MAX_SERIES = 1000;
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final String OVERFLOW = "_overflow_";

    private final Map<String, Metric> metrics = new ConcurrentSkipListMap<>();

    private abstract static sealed class Metric permits Counter, Histogram, Gauge {
        final String name;
        final String help;
        final List<String> labelNames;

        Metric(String name, String help, List<String> labelNames) {
            this.name = name;
            this.help = help;
            this.labelNames = labelNames;
        }

        abstract String type();

        abstract void render(StringBuilder out);
    }

    /** A monotonically increasing count per label set. */
    public static final class Counter extends Metric {
        private final ConcurrentHashMap<List<String>, LongAdder> series = new ConcurrentHashMap<>();

        Counter(String name, String help, List<String> labels) {
            super(name, help, labels);
        }

        public void inc(String... labelValues) {
            add(1, labelValues);
        }

        public void add(long amount, String... labelValues) {
            if (amount < 0) {
                throw new IllegalArgumentException("a counter cannot decrease");
            }
            seriesFor(series, this, labelValues, LongAdder::new).add(amount);
        }

        @Override
        String type() {
            return "counter";
        }

        @Override
        void render(StringBuilder out) {
            sorted(series).forEach((labels, v) -> line(out, name, labelNames, labels, null, Long.toString(v.sum())));
        }
    }

    /** Observations counted into fixed cumulative buckets (seconds), with their sum and count. */
    public static final class Histogram extends Metric {
        private final double[] bounds;
        private final ConcurrentHashMap<List<String>, Cells> series = new ConcurrentHashMap<>();

        private static final class Cells {
            final LongAdder[] buckets;
            final DoubleAdder sum = new DoubleAdder();
            final LongAdder count = new LongAdder();

            Cells(int n) {
                buckets = new LongAdder[n];
                for (int i = 0; i < n; i++) {
                    buckets[i] = new LongAdder();
                }
            }
        }

        Histogram(String name, String help, List<String> labels, double[] bounds) {
            super(name, help, labels);
            this.bounds = bounds.clone();
        }

        public void observe(double seconds, String... labelValues) {
            Cells cells = seriesFor(series, this, labelValues, () -> new Cells(bounds.length));
            int i = Arrays.binarySearch(bounds, seconds);
            int bucket = i >= 0 ? i : -i - 1;
            if (bucket < bounds.length) {
                cells.buckets[bucket].increment();
            }
            cells.sum.add(seconds);
            cells.count.increment();
        }

        public void observeNanos(long nanos, String... labelValues) {
            observe(nanos / 1e9, labelValues);
        }

        @Override
        String type() {
            return "histogram";
        }

        @Override
        void render(StringBuilder out) {
            sorted(series).forEach((labels, cells) -> {
                long cumulative = 0;
                for (int b = 0; b < bounds.length; b++) {
                    cumulative += cells.buckets[b].sum();
                    line(out, name + "_bucket", labelNames, labels, formatBound(bounds[b]), Long.toString(cumulative));
                }
                line(out, name + "_bucket", labelNames, labels, "+Inf", Long.toString(cells.count.sum()));
                line(out, name + "_sum", labelNames, labels, null, Double.toString(cells.sum.sum()));
                line(out, name + "_count", labelNames, labels, null, Long.toString(cells.count.sum()));
            });
        }
    }

    /** A value read when scraped. */
    public static final class Gauge extends Metric {
        private volatile LongSupplier value = () -> 0;

        Gauge(String name, String help) {
            super(name, help, List.of());
        }

        public void set(LongSupplier supplier) {
            value = Objects.requireNonNull(supplier);
        }

        @Override
        String type() {
            return "gauge";
        }

        @Override
        void render(StringBuilder out) {
            line(out, name, List.of(), List.of(), null, Long.toString(value.getAsLong()));
        }
    }

    public Counter counter(String name, String help, String... labelNames) {
        return register(new Counter(name, help, List.of(labelNames)), Counter.class);
    }

    public Histogram histogram(String name, String help, double[] bounds, String... labelNames) {
        for (int i = 1; i < bounds.length; i++) {
            if (!(bounds[i] > bounds[i - 1])) {
                throw new IllegalArgumentException("histogram bounds must increase");
            }
        }
        return register(new Histogram(name, help, List.of(labelNames), bounds), Histogram.class);
    }

    public Gauge gauge(String name, String help) {
        return register(new Gauge(name, help), Gauge.class);
    }

    private <T extends Metric> T register(T metric, Class<T> type) {
        if (!NAME.matcher(metric.name).matches()) {
            throw new IllegalArgumentException("invalid metric name '" + metric.name + "'");
        }
        for (String l : metric.labelNames) {
            if (!NAME.matcher(l).matches() || l.startsWith("__") || l.equals("le")) {
                throw new IllegalArgumentException("invalid label name '" + l + "'");
            }
        }
        Metric existing = metrics.putIfAbsent(metric.name, metric);
        if (existing == null) {
            return metric;
        }
        if (!type.isInstance(existing) || !existing.labelNames.equals(metric.labelNames)) {
            throw new IllegalArgumentException("metric '" + metric.name + "' is already registered with another shape");
        }
        return type.cast(existing);
    }

    /** All metrics in the Prometheus text format. */
    public String scrape() {
        StringBuilder out = new StringBuilder(4096);
        for (Metric m : metrics.values()) {
            out.append("# HELP ").append(m.name).append(' ').append(m.help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
            out.append("# TYPE ").append(m.name).append(' ').append(m.type()).append('\n');
            m.render(out);
        }
        return out.toString();
    }

    private static <V> V seriesFor(ConcurrentHashMap<List<String>, V> series, Metric m, String[] values,
            java.util.function.Supplier<V> create) {
        if (values.length != m.labelNames.size()) {
            throw new IllegalArgumentException(m.name + " takes " + m.labelNames.size() + " labels, got " + values.length);
        }
        List<String> key = Arrays.asList(values.clone());
        V v = series.get(key);
        if (v != null) {
            return v;
        }
        if (series.size() >= MAX_SERIES) {
            String[] overflow = new String[values.length];
            Arrays.fill(overflow, OVERFLOW);
            key = Arrays.asList(overflow);
        }
        return series.computeIfAbsent(key, k -> create.get());
    }

    private static <V> Map<List<String>, V> sorted(ConcurrentHashMap<List<String>, V> series) {
        Map<List<String>, V> sorted = new java.util.TreeMap<>((a, b) -> String.join("\u0000", a).compareTo(String.join("\u0000", b)));
        sorted.putAll(series);
        return sorted;
    }

    private static void line(StringBuilder out, String name, List<String> labelNames, List<String> values, String le,
            String value) {
        out.append(name);
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < labelNames.size(); i++) {
            parts.add(labelNames.get(i) + "=\"" + escape(values.get(i)) + "\"");
        }
        if (le != null) {
            parts.add("le=\"" + le + "\"");
        }
        if (!parts.isEmpty()) {
            out.append('{').append(String.join(",", parts)).append('}');
        }
        out.append(' ').append(value).append('\n');
    }

    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static String formatBound(double b) {
        String plain = new java.math.BigDecimal(Double.toString(b)).toPlainString();
        return plain.contains(".") ? plain : plain + ".0";
    }
}
